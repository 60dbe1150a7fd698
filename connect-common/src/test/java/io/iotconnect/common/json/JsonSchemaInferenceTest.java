package io.iotconnect.common.json;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSchemaInferenceTest {

    private final JsonPayloadParser parser = new JsonPayloadParser(JsonLimits.DEFAULT, JsonPayloadParser.NumberMode.INFER);
    private final JsonSchemaInference inference = new JsonSchemaInference(16);

    private SchemaAndValue convert(String json) {
        return inference.toConnect(parser.parse(json.getBytes(StandardCharsets.UTF_8)));
    }

    private ParsedJson parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonSchemaInference avro(String template) {
        return new JsonSchemaInference(16, JsonSchemaInference.FieldNames.AVRO, template == null ? null : SchemaNameTemplate.parse(template));
    }

    private static String doc(Schema struct, String field) {
        return struct.parameters() == null ? null : struct.parameters().get(JsonSchemaInference.FIELD_DOC_PARAMETER_PREFIX + field);
    }

    private static String jsonName(Schema struct, String field) {
        return struct.parameters() == null ? null : struct.parameters().get(JsonSchemaInference.JSON_NAME_PARAMETER_PREFIX + field);
    }

    @Test
    void infersStructWithOptionalFieldsInDocumentOrder() {
        SchemaAndValue result = convert("{\"deviceId\":\"d1\",\"temperature\":21.5,\"seq\":7,\"ok\":true,"
                + "\"location\":{\"lat\":52.1,\"lon\":4.3},\"tags\":[\"a\",\"b\"],\"samples\":[{\"v\":1.0}]}");
        Schema schema = result.schema();
        assertThat(schema.type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(schema.isOptional()).isFalse();
        assertThat(schema.fields()).extracting(f -> f.name())
                .containsExactly("deviceId", "temperature", "seq", "ok", "location", "tags", "samples");
        assertThat(schema.field("temperature").schema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
        assertThat(schema.field("seq").schema()).isEqualTo(Schema.OPTIONAL_INT64_SCHEMA);
        assertThat(schema.field("location").schema().field("lat").schema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
        assertThat(schema.field("tags").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);

        Struct value = (Struct) result.value();
        value.validate();
        assertThat(value.getString("deviceId")).isEqualTo("d1");
        assertThat(value.getStruct("location").getFloat64("lon")).isEqualTo(4.3);
        assertThat(((Struct) value.getArray("samples").get(0)).getFloat64("v")).isEqualTo(1.0);
    }

    @Test
    void cachesOneSchemaPerShape() {
        Schema first = convert("{\"t\":1.5,\"h\":40.5}").schema();
        Schema second = convert("{\"t\":2.5,\"h\":41.5}").schema();
        Schema drifted = convert("{\"t\":\"hot\",\"h\":41.5}").schema();
        assertThat(second).isSameAs(first);
        assertThat(drifted).isNotEqualTo(first);
        assertThat(drifted.field("t").schema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        assertThat(inference.cachedShapes()).isEqualTo(2);
    }

    @Test
    void nullFieldsAreLeftOutAndEmptyArraysAreOptionalStrings() {
        SchemaAndValue result = convert("{\"t\":1.5,\"x\":null,\"alarms\":[],\"gaps\":[null,2.0]}");
        assertThat(result.schema().field("x")).isNull();
        assertThat(result.schema().field("alarms").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_STRING_SCHEMA);
        Struct value = (Struct) result.value();
        value.validate();
        assertThat(value.getArray("gaps")).isEqualTo(java.util.Arrays.asList(null, 2.0));
        assertThat(value.getArray("alarms")).isEqualTo(List.of());
    }

    @Test
    void aFieldWithAnEmptyNameIsMalformedForAStructAtAnyDepth() {
        for (String json : List.of("{\"\":1}", "{\"t\":1.5,\"meta\":{\"\":\"x\"}}", "{\"a\":[{\"\":true}]}")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> convert(json)).as(json)
                    .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("named \"\"");
        }
        assertThat(convert("{\"\":null,\"t\":1.5}").schema().fields()).as("a null field is left out anyway")
                .extracting(f -> f.name()).containsExactly("t");
    }

    @Test
    void topLevelScalarsAndNull() {
        assertThat(convert("21.5").schema()).isEqualTo(Schema.FLOAT64_SCHEMA);
        assertThat(convert("null").value()).isNull();
    }

    @Test
    void avroFieldNamesReplaceWhatAvroRefusesAndKeepTheOriginalsBeside() {
        SchemaAndValue result = avro(null).toConnect(parse("{\"temp-c\":21.5,\"1st\":true,\"\u00fc\":\"x\",\"a.b\":1,"
                + "\"$x\":2,\"ok\":3}"));
        Schema schema = result.schema();
        assertThat(schema.name()).as("no template: unnamed, as before").isNull();
        assertThat(schema.fields()).extracting(f -> f.name()).containsExactly("temp_c", "_1st", "_", "a_b", "_x", "ok");
        assertThat(doc(schema, "temp_c")).isEqualTo("JSON name: temp-c");
        assertThat(jsonName(schema, "temp_c")).isEqualTo("temp-c");
        assertThat(jsonName(schema, "_1st")).isEqualTo("1st");
        assertThat(jsonName(schema, "_")).isEqualTo("\u00fc");
        assertThat(jsonName(schema, "a_b")).isEqualTo("a.b");
        assertThat(jsonName(schema, "_x")).isEqualTo("$x");
        assertThat(schema.parameters()).as("only changed names get parameters").hasSize(10)
                .doesNotContainKey(JsonSchemaInference.JSON_NAME_PARAMETER_PREFIX + "ok")
                .doesNotContainKey(JsonSchemaInference.FIELD_DOC_PARAMETER_PREFIX + "ok");

        Struct value = (Struct) result.value();
        value.validate();
        assertThat(value.getFloat64("temp_c")).isEqualTo(21.5);
        assertThat(value.getBoolean("_1st")).isTrue();
        assertThat(value.getString("_")).isEqualTo("x");
        assertThat(value.getInt64("a_b")).isEqualTo(1L);
        assertThat(value.getInt64("_x")).isEqualTo(2L);
        assertThat(value.getInt64("ok")).isEqualTo(3L);
    }

    @Test
    void cleanPayloadsGetTheSameSchemaWithAvroFieldNamesAsWithout() {
        String json = "{\"t\":1.5,\"location\":{\"lat\":52.1},\"samples\":[{\"v\":1.0}]}";
        Schema kept = convert(json).schema();
        Schema avro = avro(null).toConnect(parse(json)).schema();
        assertThat(avro).isEqualTo(kept);
        assertThat(avro.parameters()).isNull();
        assertThat(avro.field("location").schema().parameters()).isNull();
    }

    @Test
    void avroFieldNamesApplyAtEveryDepthAndInArraysOfObjects() {
        SchemaAndValue result = avro(null).toConnect(parse("{\"geo-pos\":{\"lat-deg\":52.1,\"inner\":{\"x-y\":1}},"
                + "\"samples\":[{\"v-1\":1.0},{\"v-1\":2.0}],\"grid\":[[{\"c-d\":true}]]}"));
        Schema geo = result.schema().field("geo_pos").schema();
        assertThat(geo.fields()).extracting(f -> f.name()).containsExactly("lat_deg", "inner");
        assertThat(jsonName(geo, "lat_deg")).isEqualTo("lat-deg");
        assertThat(geo.field("inner").schema().field("x_y")).isNotNull();
        Schema sample = result.schema().field("samples").schema().valueSchema();
        assertThat(jsonName(sample, "v_1")).isEqualTo("v-1");
        assertThat(result.schema().field("grid").schema().valueSchema().valueSchema().field("c_d")).isNotNull();

        Struct value = (Struct) result.value();
        value.validate();
        assertThat(value.getStruct("geo_pos").getStruct("inner").getInt64("x_y")).isEqualTo(1L);
        assertThat(value.getArray("samples")).extracting(s -> ((Struct) s).getFloat64("v_1")).containsExactly(1.0, 2.0);
        assertThat(((Struct) ((List<?>) value.getArray("grid").get(0)).get(0)).getBoolean("c_d")).isTrue();
    }

    @Test
    void twoKeysOfOneObjectWithOneAvroNameMakeThePayloadMalformed() {
        JsonSchemaInference inference = avro(null);
        for (String json : List.of("{\"temp-c\":1,\"temp_c\":2}", "{\"m\":{\"temp_c\":1,\"temp-c\":2}}",
                "{\"a\":[{\"temp-c\":1,\"temp.c\":2}]}")) {
            assertThatThrownBy(() -> inference.toConnect(parse(json))).as(json)
                    .isInstanceOf(MalformedPayloadException.class)
                    .hasMessageContaining("temp-c").hasMessageContaining("both become the Avro name temp_c");
        }
        assertThatThrownBy(() -> inference.toConnect(parse("{\"\u00fc\":1,\"\u00e4\":2}")))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("\"\u00fc\" and \"\u00e4\"");
        assertThat(inference.toConnect(parse("{\"temp-c\":1,\"temp_c\":null}")).schema().fields())
                .as("a null field is left out, so it clashes with nothing").extracting(f -> f.name()).containsExactly("temp_c");
        assertThat(inference.toConnect(parse("{\"x\":{\"temp-c\":1},\"temp_c\":2}")).schema().fields())
                .as("fields of different objects do not clash").hasSize(2);
        assertThat(inference.toConnect(parse("{\"\":1}")).schema().field("_")).as("empty names become _").isNotNull();
    }

    @Test
    void aTemplateNamesTheTopStructAfterTheTopicAndNestedStructsAfterTheirPath() {
        JsonSchemaInference inference = avro("io.iotconnect.${topic}");
        Schema schema = inference.toConnect(parse("{\"location\":{\"lat\":1.0,\"geo-fix\":{\"q\":1}},"
                + "\"samples\":[{\"v\":1.0}],\"grid\":[[{\"c\":1}]],\"t\":1.5}"), "devices-telemetry").schema();
        assertThat(schema.name()).isEqualTo("io.iotconnect.devices_telemetry");
        assertThat(schema.field("location").schema().name()).isEqualTo("io.iotconnect.devices_telemetry.location");
        assertThat(schema.field("location").schema().field("geo_fix").schema().name())
                .isEqualTo("io.iotconnect.devices_telemetry.location.geo_fix");
        assertThat(schema.field("samples").schema().valueSchema().name()).isEqualTo("io.iotconnect.devices_telemetry.samples");
        assertThat(schema.field("samples").schema().name()).as("arrays stay unnamed").isNull();
        assertThat(schema.field("grid").schema().valueSchema().valueSchema().name()).isEqualTo("io.iotconnect.devices_telemetry.grid");
        assertThat(schema.field("t").schema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
    }

    @Test
    void nestedNamesDoNotDependOnWhichSiblingsArePresent() {
        JsonSchemaInference inference = avro("io.iotconnect.${topic}");
        Schema full = inference.toConnect(parse("{\"a\":{\"x\":1},\"b\":{\"y\":2},\"c\":[{\"z\":3}]}"), "t").schema();
        Schema withoutA = inference.toConnect(parse("{\"b\":{\"y\":2},\"c\":[{\"z\":3}]}"), "t").schema();
        Schema reordered = inference.toConnect(parse("{\"c\":[{\"z\":3}],\"b\":{\"y\":2}}"), "t").schema();
        for (Schema other : List.of(withoutA, reordered)) {
            assertThat(other.field("b").schema()).isEqualTo(full.field("b").schema());
            assertThat(other.field("c").schema()).isEqualTo(full.field("c").schema());
        }
        assertThat(full.field("b").schema().name()).isEqualTo("io.iotconnect.t.b");
    }

    @Test
    void oneShapeOnTwoTopicsGetsTwoSchemasEachWithItsTopicsNames() {
        JsonSchemaInference inference = avro("io.iotconnect.${topic}");
        String json = "{\"t\":1.5,\"location\":{\"lat\":52.1}}";
        Schema first = inference.toConnect(parse(json), "site-a").schema();
        Schema second = inference.toConnect(parse(json), "site-b").schema();
        assertThat(first.name()).isEqualTo("io.iotconnect.site_a");
        assertThat(second.name()).isEqualTo("io.iotconnect.site_b");
        assertThat(second.field("location").schema().name()).isEqualTo("io.iotconnect.site_b.location");
        assertThat(inference.toConnect(parse(json), "site-a").schema()).isSameAs(first);
        assertThat(inference.cachedShapes()).isEqualTo(2);
        assertThatThrownBy(() -> inference.toConnect(parse(json))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs the record's topic");
    }

    @Test
    void bareValuesArraysAndHugeKeysWithAvroNamesAndATemplateStillConvert() {
        JsonSchemaInference named = avro("io.iotconnect.${topic}");
        assertThat(named.toConnect(parse("42"), "t").value()).isEqualTo(42L);
        assertThat(named.toConnect(parse("\"hot\""), "t").schema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(named.toConnect(parse("true"), "t").value()).isEqualTo(true);
        assertThat(named.toConnect(parse("[1,2]"), "t").value()).isEqualTo(List.of(1L, 2L));
        assertThat(named.toConnect(parse("[]"), "t").value()).isEqualTo(List.of());

        SchemaAndValue objects = named.toConnect(parse("[{\"a-b\":1},{\"a-b\":2}]"), "t");
        Schema element = objects.schema().valueSchema();
        assertThat(element.name()).as("an array of objects at the top: its elements take the top name").isEqualTo("io.iotconnect.t");
        assertThat(element.fields()).extracting(f -> f.name()).containsExactly("a_b");
        assertThat((List<?>) objects.value()).extracting(e -> ((Struct) e).getInt64("a_b")).containsExactly(1L, 2L);

        String longKey = "k-".repeat(5_000);
        JsonPayloadParser longNames = new JsonPayloadParser(new JsonLimits(1024 * 1024, 64, 256 * 1024, 1000, 20_000),
                JsonPayloadParser.NumberMode.INFER);
        Struct huge = (Struct) named.toConnect(longNames.parse(("{\"" + longKey + "\":1.5}").getBytes(StandardCharsets.UTF_8)), "t").value();
        assertThat(huge.schema().fields().get(0).name()).hasSize(10_000).matches("[A-Za-z_][A-Za-z0-9_]*");
        assertThat(jsonName(huge.schema(), huge.schema().fields().get(0).name())).isEqualTo(longKey);
    }

    @Test
    void aFixedNameIsSharedAcrossTopicsAndNeedsNoTopic() {
        JsonSchemaInference inference = new JsonSchemaInference(16, JsonSchemaInference.FieldNames.KEEP,
                SchemaNameTemplate.parse("io.iotconnect.Reading"));
        Schema first = inference.toConnect(parse("{\"t\":1.5}"), "a").schema();
        assertThat(first.name()).isEqualTo("io.iotconnect.Reading");
        assertThat(inference.toConnect(parse("{\"t\":2.5}"), "b").schema()).isSameAs(first);
        assertThat(inference.toConnect(parse("{\"t\":2.5}")).schema()).isSameAs(first);
    }

    @Test
    void keptNamesStillRefuseAnEmptyNameWhenStructsAreNamed() {
        JsonSchemaInference inference = new JsonSchemaInference(16, JsonSchemaInference.FieldNames.KEEP,
                SchemaNameTemplate.parse("x.${topic}"));
        assertThatThrownBy(() -> inference.toConnect(parse("{\"m\":{\"\":1}}"), "t"))
                .isInstanceOf(MalformedPayloadException.class).hasMessageContaining("named \"\"");
        Struct value = (Struct) inference.toConnect(parse("{\"temp-c\":1}"), "t").value();
        assertThat(value.schema().name()).isEqualTo("x.t");
        assertThat(value.getInt64("temp-c")).isEqualTo(1L);
    }
}
