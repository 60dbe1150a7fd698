package io.iotconnect.common.json;

import io.iotconnect.common.json.JsonSchemaInference.FieldNames;
import io.iotconnect.common.json.JsonSchemaInference.NumberDrift;
import io.iotconnect.common.json.JsonSchemaInference.SchemaScope;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One evolving schema per topic ({@link SchemaScope#TOPIC}). */
class JsonSchemaInferenceTopicScopeTest {

    private static final JsonPayloadParser PARSER = new JsonPayloadParser(JsonLimits.DEFAULT, JsonPayloadParser.NumberMode.INFER);

    private static JsonSchemaInference topicScope(NumberDrift drift) {
        return new JsonSchemaInference(16, FieldNames.AVRO, SchemaNameTemplate.parse("io.iotconnect.${topic}"),
                SchemaScope.TOPIC, drift);
    }

    private final JsonSchemaInference inference = topicScope(NumberDrift.WIDEN);

    private static SchemaAndValue convert(JsonSchemaInference inference, String topic, String json) {
        return inference.toConnect(PARSER.parse(json.getBytes(StandardCharsets.UTF_8)), topic);
    }

    private SchemaAndValue convert(String json) {
        return convert(inference, "telemetry", json);
    }

    private static List<String> names(Schema struct) {
        return struct.fields().stream().map(Field::name).toList();
    }

    @Test
    void aTopicsSchemaIsTheUnionOfItsFieldsSortedAndAKnownShapeGetsTheCurrentSchema() {
        SchemaAndValue first = convert("{\"seq\":1,\"deviceId\":\"d1\"}");
        assertThat(first.schema().name()).isEqualTo("io.iotconnect.telemetry");
        assertThat(first.schema().isOptional()).isFalse();
        assertThat(names(first.schema())).containsExactly("deviceId", "seq");

        SchemaAndValue fewer = convert("{\"deviceId\":\"d2\"}");
        assertThat(fewer.schema()).isSameAs(first.schema());
        assertThat(((Struct) fewer.value()).get("seq")).isNull();

        SchemaAndValue more = convert("{\"ok\":true,\"deviceId\":\"d3\",\"temp\":21.5}");
        assertThat(names(more.schema())).containsExactly("deviceId", "ok", "seq", "temp");
        assertThat(more.schema().fields()).allSatisfy(field -> assertThat(field.schema().isOptional()).isTrue());

        // The first shape again: it gets the grown schema, not the one it first had.
        SchemaAndValue again = convert("{\"seq\":2,\"deviceId\":\"d1\"}");
        assertThat(again.schema()).isSameAs(more.schema());
        Struct value = (Struct) again.value();
        value.validate();
        assertThat(value.getInt64("seq")).isEqualTo(2L);
        assertThat(value.get("temp")).isNull();
        assertThat(inference.schemaChanges()).isEqualTo(2);
    }

    @Test
    void theSchemaDoesNotDependOnTheOrderPayloadsArrivedIn() {
        List<String> payloads = List.of("{\"b\":1,\"loc\":{\"lat\":52.1}}", "{\"a\":\"x\",\"loc\":{\"lon\":4.3}}",
                "{\"c\":[{\"v\":1.5}],\"b\":2}", "{\"c\":[{\"w\":true}]}");
        JsonSchemaInference forward = topicScope(NumberDrift.WIDEN);
        JsonSchemaInference backward = topicScope(NumberDrift.WIDEN);
        Schema last = null;
        for (String payload : payloads) {
            last = convert(forward, "telemetry", payload).schema();
        }
        Schema reversed = null;
        for (int i = payloads.size() - 1; i >= 0; i--) {
            reversed = convert(backward, "telemetry", payloads.get(i)).schema();
        }
        assertThat(reversed).isEqualTo(last);
        assertThat(names(last)).containsExactly("a", "b", "c", "loc");
        assertThat(last.field("loc").schema().name()).isEqualTo("io.iotconnect.telemetry.loc");
        assertThat(names(last.field("loc").schema())).containsExactly("lat", "lon");
        assertThat(last.field("c").schema().valueSchema().name()).isEqualTo("io.iotconnect.telemetry.c");
        assertThat(names(last.field("c").schema().valueSchema())).containsExactly("v", "w");
    }

    @Test
    void widenMakesAnIntegerFieldFloat64OnItsFirstFractionAndWritesLaterIntegersAsDoubles() {
        assertThat(convert("{\"t\":21,\"s\":[1,2]}").schema().field("t").schema()).isEqualTo(Schema.OPTIONAL_INT64_SCHEMA);
        SchemaAndValue widened = convert("{\"t\":21.5,\"s\":[1.5]}");
        assertThat(widened.schema().field("t").schema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
        assertThat(widened.schema().field("s").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);

        SchemaAndValue integers = convert("{\"t\":22,\"s\":[3,null,4]}");
        assertThat(integers.schema()).isSameAs(widened.schema());
        Struct value = (Struct) integers.value();
        value.validate();
        assertThat(value.get("t")).isEqualTo(22.0);
        assertThat(value.getArray("s")).containsExactly(3.0, null, 4.0);
        assertThat(inference.schemaChanges()).isEqualTo(2);
    }

    @Test
    void routeKeepsTheIntegerFieldAndMakesTheFractionMalformedWithTheFieldAndTheNumber() {
        JsonSchemaInference route = topicScope(NumberDrift.ROUTE);
        Schema before = convert(route, "telemetry", "{\"t\":21}").schema();
        assertThatThrownBy(() -> convert(route, "telemetry", "{\"t\":21.5}"))
                .isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("$.t").hasMessageContaining("21.5").hasMessageContaining("route");
        SchemaAndValue after = convert(route, "telemetry", "{\"t\":23}");
        assertThat(after.schema()).isSameAs(before);
        // A float64 field takes integers either way: that needs no new schema.
        convert(route, "telemetry", "{\"h\":40.5}");
        assertThat(((Struct) convert(route, "telemetry", "{\"h\":41}").value()).get("h")).isEqualTo(41.0);
    }

    @Test
    void anotherTypeWhereTheSchemaHasOneIsMalformedWithThePathAndBothTypesAndChangesNothing() {
        Schema before = convert("{\"t\":21.5,\"loc\":{\"lat\":1.0},\"tags\":[\"a\"]}").schema();
        assertThatThrownBy(() -> convert("{\"t\":\"hot\"}")).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("$.t is a number in the topic's schema, and this payload has a string there");
        assertThatThrownBy(() -> convert("{\"loc\":\"here\"}")).hasMessageContaining("$.loc is an object");
        assertThatThrownBy(() -> convert("{\"loc\":{\"lat\":true}}")).hasMessageContaining("$.loc.lat is a number");
        assertThatThrownBy(() -> convert("{\"tags\":[1]}")).hasMessageContaining("$.tags[] is a string");
        assertThatThrownBy(() -> convert("[1]")).hasMessageContaining("$ is an object");
        // A failed merge leaves nothing behind: a conflicting payload with a new field added no field.
        assertThatThrownBy(() -> convert("{\"t\":\"hot\",\"extra\":1}")).isInstanceOf(MalformedPayloadException.class);
        assertThat(convert("{\"t\":20.0}").schema()).isSameAs(before);
    }

    @Test
    void aKeyThatBecomesTheAvroNameOfAnotherKeyAlreadyInTheSchemaIsMalformed() {
        Schema first = convert("{\"temp-c\":21.5}").schema();
        assertThat(first.parameters()).containsEntry(JsonSchemaInference.JSON_NAME_PARAMETER_PREFIX + "temp_c", "temp-c");
        assertThatThrownBy(() -> convert("{\"temp_c\":22.0}")).isInstanceOf(MalformedPayloadException.class)
                .hasMessageContaining("\"temp_c\"").hasMessageContaining("\"temp-c\"");
        // The renamed field keeps its original through later merges, and reads it back.
        SchemaAndValue grown = convert("{\"temp-c\":22.0,\"1st\":true}");
        assertThat(grown.schema().parameters())
                .containsEntry(JsonSchemaInference.JSON_NAME_PARAMETER_PREFIX + "temp_c", "temp-c")
                .containsEntry(JsonSchemaInference.JSON_NAME_PARAMETER_PREFIX + "_1st", "1st")
                .containsEntry(JsonSchemaInference.FIELD_DOC_PARAMETER_PREFIX + "_1st", "JSON name: 1st");
        assertThat(((Struct) grown.value()).get("temp_c")).isEqualTo(22.0);
    }

    @Test
    void anEmptyArrayInAFieldNotYetKnownIsLeftOutUntilAnElementTellsItsType() {
        SchemaAndValue empty = convert("{\"d\":\"x\",\"s\":[]}");
        assertThat(names(empty.schema())).containsExactly("d");
        SchemaAndValue known = convert("{\"s\":[1.5]}");
        assertThat(known.schema().field("s").schema().valueSchema()).isEqualTo(Schema.OPTIONAL_FLOAT64_SCHEMA);
        assertThat(((Struct) convert("{\"d\":\"y\",\"s\":[]}").value()).getArray("s")).isEmpty();
    }

    @Test
    void aBareValueIsMalformedAndLeavesTheTopicsSchemaToTheObjects() {
        // First on a fresh topic: were it kept, it would make the topic's schema a number and every reading malformed.
        JsonSchemaInference fresh = topicScope(NumberDrift.WIDEN);
        for (String bare : List.of("42", "21.5", "\"hot\"", "true", "[]", "[1,2]", "[{\"t\":1}]")) {
            assertThatThrownBy(() -> convert(fresh, "telemetry", bare)).as(bare).isInstanceOf(MalformedPayloadException.class)
                    .hasMessageContaining("not a JSON object");
        }
        assertThat(fresh.cachedShapes()).isLessThanOrEqualTo(1);
        assertThat(fresh.schemaChanges()).isZero();
        SchemaAndValue reading = convert(fresh, "telemetry", "{\"t\":21.5}");
        assertThat(reading.schema().type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(convert(fresh, "telemetry", "null").value()).as("JSON null: the caller's to route").isNull();
        assertThatThrownBy(() -> convert(fresh, "telemetry", "42")).hasMessageContaining("$ is an object in the topic's schema");
        assertThat(convert(fresh, "telemetry", "{\"t\":22.5}").schema()).isSameAs(reading.schema());
    }

    @Test
    void eachTopicHasASchemaOfItsOwn() {
        Schema telemetry = convert(inference, "telemetry", "{\"a\":1}").schema();
        Schema alerts = convert(inference, "alerts", "{\"b\":1}").schema();
        assertThat(telemetry.name()).isEqualTo("io.iotconnect.telemetry");
        assertThat(alerts.name()).isEqualTo("io.iotconnect.alerts");
        assertThat(names(convert(inference, "telemetry", "{\"c\":1}").schema())).containsExactly("a", "c");
        assertThat(inference.cachedShapes()).isEqualTo(2);
    }

    @Test
    void driftOverAThousandDevicesChangesTheSchemaOncePerNewFieldOrWidening() {
        // Each device sends its own subset of 12 fields, some as integers and then as fractions.
        JsonSchemaInference fleet = topicScope(NumberDrift.WIDEN);
        Random random = new Random(15);
        Set<Schema> schemas = new HashSet<>();
        for (int device = 0; device < 1000; device++) {
            StringBuilder json = new StringBuilder("{\"deviceId\":\"d").append(device).append('"');
            for (int field = 0; field < 12; field++) {
                if (random.nextInt(3) == 0) {
                    json.append(",\"f").append(field).append("\":");
                    json.append(random.nextBoolean() ? String.valueOf(random.nextInt(100)) : random.nextInt(100) + ".5");
                }
            }
            SchemaAndValue converted = convert(fleet, "telemetry", json.append('}').toString());
            ((Struct) converted.value()).validate();
            schemas.add(converted.schema());
        }
        // At most one change per field that appears and one per field that widens, plus the first schema.
        assertThat(fleet.schemaChanges()).isEqualTo(schemas.size()).isLessThanOrEqualTo(1 + 12 + 12);
        Schema last = convert(fleet, "telemetry", "{\"deviceId\":\"d0\"}").schema();
        assertThat(names(last)).hasSize(13);
        assertThat(last.fields()).filteredOn(field -> field.name().startsWith("f"))
                .allSatisfy(field -> assertThat(field.schema().type()).isEqualTo(Schema.Type.FLOAT64));
    }
}
