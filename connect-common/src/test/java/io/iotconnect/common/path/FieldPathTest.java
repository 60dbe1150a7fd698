package io.iotconnect.common.path;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FieldPathTest {

    @Test
    void readsNestedMapsAndStructs() {
        Schema location = SchemaBuilder.struct().field("lat", Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build();
        Schema reading = SchemaBuilder.struct().field("location", location).build();
        Struct struct = new Struct(reading).put("location", new Struct(location).put("lat", 52.1));
        FieldPath path = FieldPath.parse("location.lat");
        assertThat(path.get(struct)).isEqualTo(52.1);
        assertThat(path.get(Map.of("location", Map.of("lat", 1.5)))).isEqualTo(1.5);
    }

    @Test
    void missingStepsAndNonContainersGiveNull() {
        FieldPath path = FieldPath.parse("a.b");
        assertThat(path.get(Map.of("a", 5))).isNull();
        assertThat(path.get(Map.of())).isNull();
        assertThat(path.get(null)).isNull();
        assertThat(path.get(new Struct(SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build()).put("x", 1))).isNull();
    }

    @Test
    void rejectsEmptySegments() {
        assertThatThrownBy(() -> FieldPath.parse("a..b")).hasMessageContaining("empty segment");
        assertThatThrownBy(() -> FieldPath.parse(" ")).hasMessageContaining("must not be empty");
    }
}
