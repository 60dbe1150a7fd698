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
    void textsTellKeysApartAsCosmosDbDoes() throws Exception {
        PartitionKeys single = new PartitionKeys(List.of("/k"));
        assertThat(single.valueOf(document("{\"k\":5}")).text()).isEqualTo(single.valueOf(document("{\"k\":5.0}")).text());
        assertThat(single.valueOf(document("{\"k\":5}")).text()).isNotEqualTo(single.valueOf(document("{\"k\":\"5\"}")).text());
        assertThat(single.valueOf(document("{\"k\":true}")).text()).isNotEqualTo(single.valueOf(document("{\"k\":\"true\"}")).text());
        PartitionKeys two = new PartitionKeys(List.of("/a", "/b"));
        // A separator inside a value cannot make two different keys one text.
        assertThat(two.valueOf(document("{\"a\":\"x;s1:y\",\"b\":\"z\"}")).text())
                .isNotEqualTo(two.valueOf(document("{\"a\":\"x\",\"b\":\"y;s1:z\"}")).text());
        assertThat(two.valueOf(document("{\"a\":\"x\",\"b\":1}")).key())
                .isEqualTo(new PartitionKeyBuilder().add("x").add(1.0).build());
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
