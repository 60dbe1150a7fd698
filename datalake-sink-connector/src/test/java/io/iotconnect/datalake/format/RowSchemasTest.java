package io.iotconnect.datalake.format;

import io.iotconnect.testing.Readings;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RowSchemasTest {

    @Test
    void aStructsRowSchemaIsTheStructWithEveryFieldOptional() {
        Schema required = SchemaBuilder.struct().name("r").field("a", Schema.INT32_SCHEMA)
                .field("nested", SchemaBuilder.struct().field("b", Schema.STRING_SCHEMA).build()).build();

        Schema row = RowSchemas.rowSchemaOf(required, null);

        assertThat(row.isOptional()).isTrue();
        assertThat(row.field("a").schema().isOptional()).isTrue();
        assertThat(row.field("nested").schema().field("b").schema().isOptional()).isTrue();
        assertThat(row.name()).isEqualTo("r");
    }

    @Test
    void otherValuesAreOneValueColumn() {
        Schema row = RowSchemas.rowSchemaOf(Schema.STRING_SCHEMA, "hello");
        assertThat(row.fields()).extracting(f -> f.name()).containsExactly(RowSchemas.VALUE_FIELD);
        assertThat(RowSchemas.rowSchemaOf(null, 42L).field(RowSchemas.VALUE_FIELD).schema().type()).isEqualTo(Schema.Type.INT64);
    }

    @Test
    void schemalessMapsGetAStableSchemaWhateverTheirKeyOrder() {
        Map<String, Object> a = Readings.map("d", 1, 21.5, 40.0);
        Map<String, Object> b = new HashMap<>(a);
        Schema first = RowSchemas.rowSchemaOf(null, a);
        Schema second = RowSchemas.rowSchemaOf(null, b);

        assertThat(first).isEqualTo(second);
        assertThat(first.field("ts").schema().type()).isEqualTo(Schema.Type.INT64);
        assertThat(first.field("location").schema().field("lat").schema().type()).isEqualTo(Schema.Type.FLOAT64);
    }

    @Test
    void aSubsetFitsAndADriftMergesIntoOneSchemaBothFit() {
        Schema full = RowSchemas.rowSchemaOf(null, Map.of("a", 1L, "b", "x", "c", List.of(1.5)));
        Schema subset = RowSchemas.rowSchemaOf(null, Map.of("a", 2L));
        Schema widened = RowSchemas.rowSchemaOf(null, Map.of("a", 2.5, "d", true));

        assertThat(RowSchemas.fits(subset, full)).isTrue();
        assertThat(RowSchemas.fits(widened, full)).isFalse();
        Schema merged = RowSchemas.merge(full, widened);
        assertThat(merged.field("a").schema().type()).as("an integer that becomes a double widens").isEqualTo(Schema.Type.FLOAT64);
        assertThat(merged.fields()).extracting(f -> f.name()).containsExactly("a", "b", "c", "d");
        assertThat(RowSchemas.fits(full, merged)).isTrue();
        assertThat(RowSchemas.fits(widened, merged)).isTrue();
        assertThat(RowSchemas.fits(subset, merged)).as("an int64 fits a float64 column").isTrue();
    }

    @Test
    void typesThatDoNotMixDoNotMerge() {
        Schema number = RowSchemas.rowSchemaOf(null, Map.of("a", 1L));
        Schema text = RowSchemas.rowSchemaOf(null, Map.of("a", "one"));

        assertThat(RowSchemas.merge(number, text)).isNull();
    }

    @Test
    void aNarrowerIntegerFitsAWiderOne() {
        Schema int32 = SchemaBuilder.struct().field("a", Schema.OPTIONAL_INT32_SCHEMA).optional().build();
        Schema int64 = SchemaBuilder.struct().field("a", Schema.OPTIONAL_INT64_SCHEMA).optional().build();

        assertThat(RowSchemas.fits(int32, int64)).isTrue();
        assertThat(RowSchemas.fits(int64, int32)).isFalse();
        assertThat(RowSchemas.merge(int32, int64)).isEqualTo(int64);
    }
}
