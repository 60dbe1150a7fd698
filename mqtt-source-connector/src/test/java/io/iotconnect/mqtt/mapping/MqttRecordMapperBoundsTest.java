package io.iotconnect.mqtt.mapping;

import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import org.apache.kafka.connect.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * What a device decides about its own record, bounded: its clock, its user properties, the Kafka topic its MQTT topic
 * names, and the size of the record its payload makes. Each case is routed with its reason; none reaches the producer.
 */
class MqttRecordMapperBoundsTest {

    private static final long NOW = Instant.parse("2026-12-07T22:00:00Z").toEpochMilli();
    private static final long ARRIVAL = NOW - 50;
    private static final long HOUR = 3_600_000L;

    private static MqttRecordMapper mapper(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "plant-a");
        props.put("mqtt.server.uris", "tcp://127.0.0.1:1883");
        props.put("mqtt.topics", "devices/+/telemetry");
        props.put("mqtt.kafka.topic", "telemetry");
        props.put("mqtt.key.topic.level", "2");
        props.put("mqtt.timestamp.field", "ts");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return new MqttRecordMapper(new MqttSourceConnectorConfig(props), () -> NOW);
    }

    private static MqttMessageEnvelope message(String topic, String payload, List<Map.Entry<String, String>> properties) {
        return new MqttMessageEnvelope(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, false, 7, properties, null, 1,
                ARRIVAL);
    }

    private static MqttMessageEnvelope reading(long ts) {
        return message("devices/d1/telemetry", "{\"ts\":" + ts + ",\"t\":21.5}", List.of());
    }

    private static MalformedMessageException malformed(MqttRecordMapper mapper, MqttMessageEnvelope message) {
        MalformedMessageException failure = catchThrowableOfType(MalformedMessageException.class, () -> mapper.toRecord(message));
        assertThat(failure).as("malformed: %s", message.topic()).isNotNull();
        return failure;
    }

    private static Object header(MqttSourceRecord record, String key) {
        Header header = record.headers().lastWithName(key);
        return header == null ? null : header.value();
    }

    private static long userHeaders(MqttSourceRecord record) {
        long count = 0;
        for (Header header : record.headers()) {
            if (header.key().startsWith(MqttRecordMapper.HEADER_USER_PREFIX)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void aDeviceClockOutsideTheWindowGoesToTheErrorTopicWithTheReason() {
        MqttRecordMapper mapper = mapper();
        assertThat(mapper.toRecord(reading(NOW + 10 * 60_000)).timestamp()).as("10 minutes ahead is inside 15m").isEqualTo(NOW + 600_000);
        assertThat(mapper.toRecord(reading(NOW - 5 * 24 * HOUR)).timestamp()).as("5 days behind is inside 6d").isEqualTo(NOW - 120 * HOUR);

        MalformedMessageException ahead = malformed(mapper, reading(NOW + 2 * HOUR));
        assertThat(ahead.stage()).isEqualTo(MalformedMessageException.Stage.TIMESTAMP);
        assertThat(ahead.reason()).isEqualTo("timestamp field 'ts': device time 2026-12-08T00:00:00Z is 2h ahead of the "
                + "connector's clock, beyond mqtt.timestamp.max.future=15m");

        MalformedMessageException year9999 = malformed(mapper, message("devices/d1/telemetry", "{\"ts\":\"9999-12-31T23:59:59Z\"}", List.of()));
        assertThat(year9999.reason()).startsWith("timestamp field 'ts': device time 9999-12-31T23:59:59Z is ").contains("ahead");

        MalformedMessageException behind = malformed(mapper, reading(NOW - 7 * 24 * HOUR));
        assertThat(behind.reason()).isEqualTo("timestamp field 'ts': device time 2026-11-30T22:00:00Z is 7d behind the "
                + "connector's clock, beyond mqtt.timestamp.max.past=6d");
        MqttSourceRecord error = mapper.errorRecord(reading(NOW + 2 * HOUR), ahead);
        assertThat(error.topic()).isEqualTo("plant-a-errors");
        assertThat(error.timestamp()).as("the error record is stamped with the arrival").isEqualTo(ARRIVAL);
        assertThat(header(error, "mqtt.error.stage")).isEqualTo("timestamp");
    }

    @Test
    void fallbackKeepsTheReadingAtItsArrivalTimeAndSaysWhy() {
        MqttRecordMapper mapper = mapper("mqtt.timestamp.out.of.range", "fallback", "mqtt.timestamp.max.future", "1m");
        MqttSourceRecord record = mapper.toRecord(reading(NOW + 2 * HOUR));
        assertThat(record.timestamp()).isEqualTo(ARRIVAL);
        assertThat(record.topic()).isEqualTo("telemetry");
        assertThat((String) header(record, "mqtt.timestamp.replaced")).isEqualTo("device time 2026-12-08T00:00:00Z is 2h ahead "
                + "of the connector's clock, beyond mqtt.timestamp.max.future=1m");
        MqttSourceRecord inside = mapper.toRecord(reading(NOW + 30_000));
        assertThat(inside.timestamp()).isEqualTo(NOW + 30_000);
        assertThat(header(inside, "mqtt.timestamp.replaced")).isNull();

        MqttSourceRecord withoutMetadata = mapper("mqtt.timestamp.out.of.range", "fallback", "mqtt.headers.enable", "false")
                .toRecord(reading(NOW - 30 * 24 * HOUR));
        assertThat(withoutMetadata.timestamp()).isEqualTo(ARRIVAL);
        assertThat((String) header(withoutMetadata, "mqtt.timestamp.replaced")).contains("30d behind");
    }

    @Test
    void userPropertiesBeyondTheBoundsAreCutWithAFlagAndTheErrorRecordIsBoundedToo() {
        List<Map.Entry<String, String>> many = new ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            many.add(Map.entry("p" + i, "0123456789012345678901234"));
        }
        MqttMessageEnvelope flood = message("devices/d1/telemetry", "{\"t\":1}", many);
        MqttSourceRecord record = mapper().toRecord(flood);
        assertThat(userHeaders(record)).isEqualTo(32);
        assertThat(header(record, "mqtt.headers.truncated")).isEqualTo(40_000 - 32);
        assertThat(header(record, "mqtt.user.p0")).isEqualTo("0123456789012345678901234");

        MqttMessageEnvelope oneHuge = message("devices/d1/telemetry", "{\"t\":1}",
                List.of(Map.entry("a", "small"), Map.entry("blob", "x".repeat(2 * 1024 * 1024))));
        MqttSourceRecord cut = mapper().toRecord(oneHuge);
        assertThat(header(cut, "mqtt.user.a")).isEqualTo("small");
        assertThat(header(cut, "mqtt.user.blob")).as("beyond mqtt.headers.max.bytes").isNull();
        assertThat(header(cut, "mqtt.headers.truncated")).isEqualTo(1);

        MqttRecordMapper strict = mapper("mqtt.headers.overflow", "error-topic", "mqtt.headers.max.count", "10");
        MalformedMessageException failure = malformed(strict, flood);
        assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.HEADERS);
        assertThat(failure.reason()).startsWith("40000 user properties of ").endsWith(" bytes exceed mqtt.headers.max.count=10 or "
                + "mqtt.headers.max.bytes=16384");
        MqttSourceRecord error = strict.errorRecord(flood, failure);
        assertThat(userHeaders(error)).as("the error record copies only what fits").isEqualTo(10);
        assertThat(header(error, "mqtt.headers.truncated")).isEqualTo(40_000 - 10);
        assertThat(header(error, "mqtt.error.stage")).isEqualTo("headers");
    }

    @Test
    void aDeviceCannotNameAnInternalTopicTheErrorTopicOrOneOutsideTheAllowPattern() {
        MqttRecordMapper whole = mapper("mqtt.kafka.topic", "${topic}", "mqtt.topics", "#", "mqtt.key.topic.level", "1");
        for (String topic : List.of("__consumer_offsets", "_schemas", "connect-offsets", "connect-configs", "connect-status",
                "plant-a-errors")) {
            MalformedMessageException failure = malformed(whole, message(topic, "{\"t\":1}", List.of()));
            assertThat(failure.stage()).as(topic).isEqualTo(MalformedMessageException.Stage.TOPIC);
            assertThat(failure.reason()).as(topic).contains("'" + topic + "'").contains("refused");
        }
        assertThat(whole.toRecord(message("plant/line-1", "{\"t\":1}", List.of())).topic()).isEqualTo("plant.line-1");

        MqttRecordMapper allowed = mapper("mqtt.kafka.topic", "telemetry.${2}", "mqtt.kafka.topic.allow.pattern",
                "telemetry\\.[a-z0-9-]{1,32}");
        assertThat(allowed.toRecord(message("devices/d1/telemetry", "{\"t\":1}", List.of())).topic()).isEqualTo("telemetry.d1");
        MalformedMessageException outside = malformed(allowed, message("devices/D_1/telemetry", "{\"t\":1}", List.of()));
        assertThat(outside.reason()).isEqualTo("Kafka topic 'telemetry.D_1' does not match "
                + "mqtt.kafka.topic.allow.pattern=telemetry\\.[a-z0-9-]{1,32}");
    }

    @Test
    void devicesCannotCreateTopicsWithoutEnd() {
        MqttRecordMapper mapper = mapper("mqtt.kafka.topic", "telemetry.${2}", "mqtt.kafka.topic.max.distinct", "3");
        for (String device : List.of("a", "b", "c", "a", "b")) {
            assertThat(mapper.toRecord(message("devices/" + device + "/telemetry", "{\"t\":1}", List.of())).topic())
                    .isEqualTo("telemetry." + device);
        }
        MalformedMessageException fourth = malformed(mapper, message("devices/d/telemetry", "{\"t\":1}", List.of()));
        assertThat(fourth.reason()).isEqualTo("Kafka topic 'telemetry.d' would be one more distinct topic than "
                + "mqtt.kafka.topic.max.distinct=3 allows a task");
        assertThat(mapper.toRecord(message("devices/c/telemetry", "{\"t\":1}", List.of())).topic()).isEqualTo("telemetry.c");
    }

    @Test
    void aRecordTheProducerWouldRefuseGoesToTheErrorTopicInstead() {
        // Numbers written short print long: 1E6 is 1000000.0 once parsed, so 480 KB of them is about 1.3 MB of JSON.
        StringBuilder payload = new StringBuilder("{\"v\":[");
        while (payload.length() < 480 * 1024) {
            payload.append("1E6,");
        }
        payload.append("1E6]}");
        MqttMessageEnvelope message = message("devices/d1/telemetry", payload.toString(), List.of());
        MalformedMessageException failure = malformed(mapper(), message);
        assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.SIZE);
        assertThat(failure.reason()).startsWith("the record would be about ").endsWith("more than the producer's "
                + "max.request.size=1048576 (producer.override.max.request.size on the connector)");
        MqttSourceRecord error = mapper().errorRecord(message, failure);
        assertThat(((byte[]) error.value()).length).isEqualTo(64 * 1024);

        assertThat(mapper("producer.override.max.request.size", "4194304").toRecord(message).topic())
                .as("a connector whose producer takes 4 MiB").isEqualTo("telemetry");
        assertThat(mapper().toRecord(message("devices/d1/telemetry", "{\"v\":[" + "1.5,".repeat(60_000) + "1.5]}", List.of()))
                .topic()).as("240 KB of numbers that print as written").isEqualTo("telemetry");
    }

    @Test
    void aDeviceIdBeyondItsLimitIsMalformedAndItsErrorRecordHasNoKey() {
        String longId = "d".repeat(300);
        MqttMessageEnvelope message = message("devices/" + longId + "/telemetry", "{\"t\":1}", List.of());
        MalformedMessageException failure = malformed(mapper(), message);
        assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.KEY);
        assertThat(failure.reason()).isEqualTo("device id of 300 characters exceeds mqtt.key.max.length=256");
        assertThat(mapper().errorRecord(message, failure).key()).isNull();
        assertThat(mapper("mqtt.key.max.length", "300").toRecord(message).key()).isEqualTo(longId);
    }
}
