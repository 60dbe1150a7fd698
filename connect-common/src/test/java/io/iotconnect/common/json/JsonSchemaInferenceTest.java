package io.iotconnect.common.json;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonSchemaInferenceTest {

    private final JsonPayloadParser parser = new JsonPayloadParser(JsonLimits.DEFAULT, JsonPayloadParser.NumberMode.INFER);
    private final JsonSchemaInference inference = new JsonSchemaInference(16);

    private SchemaAndValue convert(String json) {
        return inference.toConnect(parser.parse(json.getBytes(StandardCharsets.UTF_8)));
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
}
