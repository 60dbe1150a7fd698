package io.iotconnect.iothub.mapping;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceOffsetsTest {

    private static final Map<String, String> PARTITION = SourceOffsets.partition("hub", "2");

    @Test
    void partitionAndOffsetHaveTheDocumentedShape() {
        assertThat(SourceOffsets.partition("hub", "2")).isEqualTo(PARTITION);
        assertThat(SourceOffsets.offset(41)).isEqualTo(Map.of("sequenceNumber", 41L));
    }

    @Test
    void thePartitionSerializesToTheTextConnectLooksUpAfterReadingItBack() {
        // Connect finds offsets by this text and reads partitions back into a HashMap (GET/DELETE /offsets).
        assertThat(SourceOffsets.KEY_ORDER).containsExactly("partition", "eventhub");
        assertThat(SourceOffsets.partition("hub", "2").keySet()).containsExactlyElementsOf(SourceOffsets.KEY_ORDER);
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false"), true);
            byte[] bytes = converter.fromConnectData("offsets", null, List.of("iothub", SourceOffsets.partition("hub", "2")));
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("[\"iothub\",{\"partition\":\"2\",\"eventhub\":\"hub\"}]");
            Object readBack = ((List<?>) converter.toConnectData("offsets", bytes).value()).get(1);
            assertThat(converter.fromConnectData("offsets", null, List.of("iothub", readBack))).isEqualTo(bytes);
        }
    }

    @Test
    void readsASequenceNumberAsLongOrIntegerAndNoneAsNull() {
        assertThat(SourceOffsets.sequenceNumber(Map.of("sequenceNumber", 41L))).isEqualTo(41L);
        assertThat(SourceOffsets.sequenceNumber(Map.of("sequenceNumber", 41))).isEqualTo(41L);
        assertThat(SourceOffsets.sequenceNumber(null)).isNull();
    }

    @Test
    void acceptsValidOffsetsAndResets() {
        assertThatCode(() -> SourceOffsets.validate(PARTITION, Map.of("sequenceNumber", 0))).doesNotThrowAnyException();
        assertThatCode(() -> SourceOffsets.validate(PARTITION, Map.of("sequenceNumber", Long.MAX_VALUE))).doesNotThrowAnyException();
        assertThatCode(() -> SourceOffsets.validate(PARTITION, null)).doesNotThrowAnyException();
    }

    @Test
    void refusesOtherPartitionShapes() {
        assertThatThrownBy(() -> SourceOffsets.validate(null, Map.of("sequenceNumber", 1))).isInstanceOf(ConnectException.class);
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("eventhub", "hub"), Map.of("sequenceNumber", 1)))
                .hasMessageContaining("exactly the keys \"eventhub\" and \"partition\"");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("eventhub", "hub", "partition", "1", "group", "g"), null))
                .hasMessageContaining("exactly the keys");
        assertThatThrownBy(() -> SourceOffsets.validate(Map.of("eventhub", "hub", "partition", 1), null))
                .hasMessageContaining("\"partition\"").hasMessageContaining("non-empty string");
    }

    @Test
    void refusesOtherOffsetShapesAndNegativeOrFractionalNumbers() {
        assertThatThrownBy(() -> SourceOffsets.validate(PARTITION, Map.of("offset", "120")))
                .hasMessageContaining("exactly the key \"sequenceNumber\"");
        assertThatThrownBy(() -> SourceOffsets.validate(PARTITION, Map.of("sequenceNumber", 1, "offset", "2")))
                .hasMessageContaining("exactly the key");
        assertThatThrownBy(() -> SourceOffsets.validate(PARTITION, Map.of("sequenceNumber", -1)))
                .hasMessageContaining("whole number from 0");
        assertThatThrownBy(() -> SourceOffsets.validate(PARTITION, Map.of("sequenceNumber", 1.5)))
                .hasMessageContaining("whole number from 0");
        assertThatThrownBy(() -> SourceOffsets.validate(PARTITION, Map.of("sequenceNumber", "12")))
                .hasMessageContaining("whole number from 0");
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("sequenceNumber", null);
        assertThatThrownBy(() -> SourceOffsets.validate(PARTITION, nullValue)).hasMessageContaining("whole number from 0");
        assertThatThrownBy(() -> SourceOffsets.sequenceNumber(Map.of("sequenceNumber", "x"))).isInstanceOf(ConnectException.class);
    }
}
