package io.iotconnect.cosmos.mapping;

import com.azure.cosmos.models.PartitionKey;
import com.azure.cosmos.models.PartitionKeyBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionKeysTest {

    private static ObjectNode document(String json) throws Exception {
        return (ObjectNode) new ObjectMapper().readTree(json);
    }

    @Test
    void singleAndNestedPaths() throws Exception {
        assertThat(new PartitionKeys(List.of("/deviceId")).of(document("{\"deviceId\":\"dev-1\"}")))
                .isEqualTo(new PartitionKey("dev-1"));
        assertThat(new PartitionKeys(List.of("/site/id")).of(document("{\"site\":{\"id\":7}}")))
                .isEqualTo(new PartitionKey(7L));
    }

    @Test
    void hierarchicalKeys() throws Exception {
        PartitionKey key = new PartitionKeys(List.of("/deviceId", "/day")).of(document("{\"deviceId\":\"dev-1\",\"day\":\"2026-11-23\"}"));
        assertThat(key).isEqualTo(new PartitionKeyBuilder().add("dev-1").add("2026-11-23").build());
    }

    @Test
    void missingValuesNameThePath() {
        assertThatThrownBy(() -> new PartitionKeys(List.of("/deviceId", "/day")).of(document("{\"deviceId\":\"dev-1\"}")))
                .isInstanceOf(DataException.class).hasMessage("the document has no value at partition key path /day");
        assertThatThrownBy(() -> new PartitionKeys(List.of("/deviceId")).of(document("{\"deviceId\":{\"a\":1}}")))
                .hasMessageContaining("/deviceId");
    }
}
