package io.iotconnect.common.source;

import io.iotconnect.common.json.JsonLimits;
import io.iotconnect.common.json.JsonPayloadParser;
import io.iotconnect.common.json.JsonSchemaInference;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RecordSizeLimitTest {

    private static final JsonPayloadParser INFER = new JsonPayloadParser(new JsonLimits(8 << 20, 64, 8 << 20, 100_000, 256),
            JsonPayloadParser.NumberMode.INFER);
    private static final JsonPayloadParser FLOAT64 = new JsonPayloadParser(new JsonLimits(8 << 20, 64, 8 << 20, 100_000, 256),
            JsonPayloadParser.NumberMode.FLOAT64);

    private static JsonConverter converter() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true", "schemas.cache.size", "10"), false);
        return converter;
    }

    /** What Kafka's JsonConverter with schemas writes for the payload, and the estimate beside it. */
    private static long[] sizes(JsonPayloadParser parser, String payload) {
        SchemaAndValue value = new JsonSchemaInference(10).toConnect(parser.parse(payload.getBytes(StandardCharsets.UTF_8)), "t");
        long written = converter().fromConnectData("t", value.schema(), value.value()).length;
        long estimate = RecordSizeLimit.schemaJson(value.schema()) + 32 + RecordSizeLimit.jsonSize(value.schema(), value.value());
        return new long[] {written, estimate};
    }

    @Test
    void theEstimateIsAtLeastWhatJsonConverterWritesAndNotFarAbove() {
        List<String> payloads = List.of(
                "{\"deviceId\":\"sensor-001\",\"ts\":1795341600123,\"temperature\":21.5,\"humidity\":40.25,\"ok\":true}",
                "{\"v\":[" + "1E6,".repeat(2000) + "1E6]}",
                "{\"s\":\"" + "\\u0001\\\"\\\\é€😀".repeat(500) + "\",\"n\":{\"a\":{\"b\":[{\"c\":-0.0},{\"c\":1e-300}]}}}",
                "{\"big\":9007199254740991,\"neg\":-9007199254740991,\"x\":null,\"e\":[],\"o\":{}}");
        for (JsonPayloadParser parser : List.of(INFER, FLOAT64)) {
            for (String payload : payloads) {
                long[] sizes = sizes(parser, payload);
                assertThat(sizes[1]).as("estimate of %s (%s)", payload.substring(0, Math.min(40, payload.length())), parser.numberMode())
                        .isGreaterThanOrEqualTo(sizes[0]).isLessThanOrEqualTo(sizes[0] * 3 / 2 + 400);
            }
        }
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            StringBuilder payload = new StringBuilder("{");
            int fields = 1 + random.nextInt(40);
            for (int f = 0; f < fields; f++) {
                payload.append(f == 0 ? "" : ",").append("\"f").append(f).append("\":");
                switch (random.nextInt(4)) {
                    case 0 -> payload.append(random.nextGaussian() * Math.pow(10, random.nextInt(20) - 10));
                    case 1 -> payload.append(random.nextLong() >> 11);
                    case 2 -> payload.append("\"").append("x".repeat(random.nextInt(50))).append("\"");
                    default -> payload.append(random.nextBoolean());
                }
            }
            long[] sizes = sizes(random.nextBoolean() ? INFER : FLOAT64, payload.append("}").toString());
            assertThat(sizes[1]).as(payload.toString()).isGreaterThanOrEqualTo(sizes[0]);
        }
    }

    @Test
    void aRecordWithinTheLimitPassesAndOneBeyondItIsNamedWithTheLimitAndTheKeyToRaiseIt() {
        SchemaAndValue small = new JsonSchemaInference(10).toConnect(INFER.parse("{\"t\":1.5}".getBytes(StandardCharsets.UTF_8)), "t");
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("h", "x".repeat(1000));
        assertThat(new RecordSizeLimit(1024 * 1024).check("d1", small.schema(), small.value(), 9, headers)).isNull();
        assertThat(new RecordSizeLimit(1000).check("d1", small.schema(), small.value(), 9, headers))
                .startsWith("the record would be about ").endsWith("more than the producer's max.request.size=1000 "
                        + "(producer.override.max.request.size on the connector)");
        assertThat(RecordSizeLimit.of(Map.of("producer.override.max.request.size", "2097152")).limit()).isEqualTo(2097152);
        assertThat(RecordSizeLimit.of(Map.of()).limit()).isEqualTo(1024 * 1024);
    }
}
