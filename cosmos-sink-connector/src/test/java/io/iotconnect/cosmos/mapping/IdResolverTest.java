package io.iotconnect.cosmos.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.IdStrategy;
import io.iotconnect.cosmos.config.IdTemplate;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdResolverTest {

    private static final DocumentMapper MAPPER = new DocumentMapper("");

    private static SinkRecord record(Object key, Map<String, Object> value) {
        return new SinkRecord("telemetry", 3, null, key, null, value, 1234L);
    }

    private static String id(IdResolver resolver, SinkRecord record) {
        ObjectNode document = MAPPER.document(record);
        return resolver.id(record, document);
    }

    @Test
    void kafkaCoordinates() {
        assertThat(id(new IdResolver(IdStrategy.KAFKA_COORDINATES, "id", IdTemplate.parse("")), record("k", Map.of("a", 1))))
                .isEqualTo("telemetry-3-1234");
    }

    @Test
    void keyPlainOrIdOfAStructKey() {
        IdResolver resolver = new IdResolver(IdStrategy.KEY, "id", IdTemplate.parse(""));
        assertThat(id(resolver, record("dev-1", Map.of("a", 1)))).isEqualTo("dev-1");
        Schema keySchema = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
        SinkRecord structKey = new SinkRecord("t", 0, keySchema, new Struct(keySchema).put("id", "dev/2"), null, Map.of("a", 1), 1L);
        assertThat(id(resolver, structKey)).isEqualTo("dev_2");
        assertThatThrownBy(() -> id(resolver, record(null, Map.of("a", 1)))).isInstanceOf(DataException.class)
                .hasMessageContaining("no key");
    }

    @Test
    void fieldAndNestedField() {
        assertThat(id(new IdResolver(IdStrategy.FIELD, "reading.id", IdTemplate.parse("")), record("k", Map.of("reading", Map.of("id", 42)))))
                .isEqualTo("42");
        assertThatThrownBy(() -> id(new IdResolver(IdStrategy.FIELD, "uuid", IdTemplate.parse("")), record("k", Map.of("a", 1))))
                .hasMessageContaining("field 'uuid' is missing");
    }

    @Test
    void templateOverFieldsAndCoordinates() {
        IdResolver resolver = new IdResolver(IdStrategy.TEMPLATE, "id", IdTemplate.parse("${value.deviceId}-${value.ts}@${topic}/${partition}/${offset}"));
        assertThat(id(resolver, record("k", Map.of("deviceId", "dev-1", "ts", 1795000000000L))))
                .isEqualTo("dev-1-1795000000000@telemetry_3_1234");
    }

    @Test
    void sanitisesForbiddenCharactersAndRejectsTooLongIds() {
        assertThat(IdResolver.sanitise("a/b\\c?d#e")).isEqualTo("a_b_c_d_e");
        assertThat(IdResolver.sanitise("plain")).isEqualTo("plain");
        assertThatThrownBy(() -> IdResolver.sanitise("x".repeat(1024))).hasMessageContaining("1024 characters; Cosmos DB allows 1023");
        assertThatThrownBy(() -> IdResolver.sanitise("")).hasMessageContaining("empty");
    }
}
