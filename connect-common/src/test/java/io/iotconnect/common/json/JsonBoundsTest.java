package io.iotconnect.common.json;

import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bounds by size, not by count alone: fields per payload, field name length, distinct fields per topic over time, and
 * schema cache keys that do not grow with the payload.
 */
class JsonBoundsTest {

    private static final JsonPayloadParser PARSER = new JsonPayloadParser(new JsonLimits(4 * 1024 * 1024, 64, 1024 * 1024, 100, 32),
            JsonPayloadParser.NumberMode.INFER);

    private static ParsedJson parse(String json) {
        return PARSER.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String object(int fields, String prefix) {
        return IntStream.range(0, fields).mapToObj(i -> "\"" + prefix + i + "\":" + i).collect(Collectors.joining(",", "{", "}"));
    }

    @Test
    void aPayloadWithMoreFieldsThanTheLimitIsMalformedAtEveryDepth() {
        assertThat(((java.util.Map<?, ?>) parse(object(100, "f")).value())).hasSize(100);
        assertThatThrownBy(() -> parse(object(101, "f"))).isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("more than 100 fields in one payload (the limit; at $.f100)");
        String nested = "{\"a\":" + object(60, "x") + ",\"b\":[" + object(30, "y") + "," + object(30, "y") + "]}";
        assertThatThrownBy(() -> parse(nested)).hasMessageContaining("more than 100 fields in one payload (the limit; at $.b[1].y");
    }

    @Test
    void aFieldNameLongerThanTheLimitIsMalformedWithItsPlace() {
        assertThat(((java.util.Map<?, ?>) parse("{\"" + "n".repeat(32) + "\":1}").value())).hasSize(1);
        assertThatThrownBy(() -> parse("{\"m\":{\"" + "n".repeat(5000) + "\":1}}")).isInstanceOf(MalformedPayloadException.class)
                .hasMessageStartingWith("a field name of 5000 characters at $.m exceeds the limit of 32");
    }

    @Test
    void longShapesAreCachedUnderADigestOfFixedSizeAndShortOnesAsThemselves() {
        ParsedJson small = parse("{\"t\":1.5}");
        assertThat(small.shapeKey()).isEqualTo(small.shape());
        ParsedJson wide = parse(object(90, "field-with-a-long-name-"));
        assertThat(wide.shape().length()).isGreaterThan(ParsedJson.MAX_SHAPE_KEY_LENGTH);
        assertThat(wide.shapeKey()).isNotInstanceOf(String.class).isEqualTo(parse(object(90, "field-with-a-long-name-")).shapeKey())
                .isNotEqualTo(parse(object(89, "field-with-a-long-name-")).shapeKey());
        JsonSchemaInference inference = new JsonSchemaInference(16);
        Schema first = inference.toConnect(wide, "t").schema();
        assertThat(inference.toConnect(parse(object(90, "field-with-a-long-name-")), "t").schema()).isSameAs(first);
    }

    @Test
    void aTopicTakesOnlySoManyDistinctFieldsOverTimeInEitherScope() {
        for (JsonSchemaInference.SchemaScope scope : JsonSchemaInference.SchemaScope.values()) {
            JsonSchemaInference inference = new JsonSchemaInference(new JsonSchemaInference.Settings(100,
                    JsonSchemaInference.FieldNames.KEEP, null, scope, JsonSchemaInference.NumberDrift.WIDEN, 50, "x.max.topic.fields"));
            for (int i = 0; i < 48; i++) {
                inference.toConnect(parse("{\"t\":1.5,\"field" + i + "\":1}"), "telemetry");
            }
            assertThat(inference.toConnect(parse("{\"t\":1.5,\"field0\":2}"), "telemetry")).as(scope + ": known fields").isNotNull();
            assertThatThrownBy(() -> inference.toConnect(parse("{\"t\":1.5,\"field48\":1,\"field49\":1}"), "telemetry"))
                    .as(scope.toString()).isInstanceOf(MalformedPayloadException.class)
                    .hasMessageStartingWith("the payload brings 2 field(s) new to topic 'telemetry' (first $.field48), beyond "
                            + "the 50 distinct fields a topic may have (x.max.topic.fields)");
            inference.toConnect(parse("{\"t\":1.5,\"field48\":1}"), "telemetry");
            assertThatThrownBy(() -> inference.toConnect(parse("{\"nested\":{\"a\":1}}"), "telemetry")).as(scope.toString())
                    .hasMessageContaining("(first $.nested)");
            assertThat(inference.toConnect(parse("{\"other\":1}"), "other-topic")).as(scope + ": per topic").isNotNull();
        }
    }
}
