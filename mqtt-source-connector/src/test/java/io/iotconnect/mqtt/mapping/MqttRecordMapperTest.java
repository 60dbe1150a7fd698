package io.iotconnect.mqtt.mapping;

import io.apicurio.registry.utils.converter.avro.AvroData;
import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.iotconnect.mqtt.AvroSchemas.collectNames;
import static io.iotconnect.mqtt.AvroSchemas.nonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttRecordMapperTest {

    private static final long ARRIVAL = 1_700_000_000_000L;

    private static MqttRecordMapper mapper(String... keyValues) {
        return new MqttRecordMapper(new MqttSourceConnectorConfig(props(keyValues)));
    }

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "plant-a");
        props.put("mqtt.server.uris", "tcp://127.0.0.1:1883");
        props.put("mqtt.topics", "devices/+/telemetry");
        props.put("mqtt.kafka.topic", "telemetry");
        props.put("mqtt.key.topic.level", "2");
        // The readings here are stamped years apart; the device time window has tests of its own (MqttRecordMapperBoundsTest).
        props.put("mqtt.timestamp.max.past", "3650d");
        props.put("mqtt.timestamp.max.future", "3650d");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    private static MqttMessageEnvelope message(String topic, String payload) {
        return message(topic, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static MqttMessageEnvelope message(String topic, byte[] payload) {
        return new MqttMessageEnvelope(topic, payload, 1, true, false, 42,
                List.of(Map.entry("site", "berlin"), Map.entry("fw", "1.2")), "application/json", 1, ARRIVAL);
    }

    private static Object header(MqttSourceRecord record, String key) {
        Header header = record.headers().lastWithName(key);
        return header == null ? null : header.value();
    }

    @Test
    void jsonBecomesStructKeyedByTopicLevelWithHeaders() {
        MqttSourceRecord record = mapper().toRecord(message("devices/dev-7/telemetry", "{\"temperature\":21.5,\"humidity\":40}"));
        assertThat(record.topic()).isEqualTo("telemetry");
        assertThat(record.key()).isEqualTo("dev-7");
        assertThat(record.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        Struct value = (Struct) record.value();
        assertThat(value.getFloat64("temperature")).isEqualTo(21.5);
        assertThat(value.getInt64("humidity")).isEqualTo(40L);
        assertThat(record.timestamp()).isEqualTo(ARRIVAL);
        assertThat(header(record, "mqtt.topic")).isEqualTo("devices/dev-7/telemetry");
        assertThat(header(record, "mqtt.qos")).isEqualTo(1);
        assertThat(header(record, "mqtt.retained")).isEqualTo(true);
        assertThat(header(record, "mqtt.duplicate")).isEqualTo(false);
        assertThat(header(record, "mqtt.message.id")).isEqualTo(42);
        assertThat(header(record, "mqtt.content.type")).isEqualTo("application/json");
        assertThat(header(record, "mqtt.user.site")).isEqualTo("berlin");
        assertThat(header(record, "mqtt.user.fw")).isEqualTo("1.2");
        assertThat(record.sourcePartition()).isNull();
    }

    @Test
    void keyAndTimestampFromPayloadFields() {
        MqttRecordMapper mapper = mapper("mqtt.key.source", "payload-field", "mqtt.key.field", "meta.id",
                "mqtt.timestamp.field", "ts", "mqtt.timestamp.format", "iso-8601");
        MqttSourceRecord record = mapper.toRecord(message("x/y/z", "{\"meta\":{\"id\":\"d1\"},\"ts\":\"2026-11-22T14:03:42.123Z\"}"));
        assertThat(record.key()).isEqualTo("d1");
        assertThat(record.timestamp()).isEqualTo(1795356222123L);

        MqttSourceRecord numericId = mapper.toRecord(message("x", "{\"meta\":{\"id\":17}}"));
        assertThat(numericId.key()).isEqualTo("17");
        assertThat(numericId.timestamp()).as("no timestamp field: arrival time").isEqualTo(ARRIVAL);
    }

    @Test
    void epochTimestamps() {
        assertThat(mapper("mqtt.timestamp.field", "ts").toRecord(message("d/a/t", "{\"ts\":1700000000123}")).timestamp())
                .isEqualTo(1700000000123L);
        assertThat(mapper("mqtt.timestamp.field", "ts", "mqtt.timestamp.format", "epoch-seconds")
                .toRecord(message("d/a/t", "{\"ts\":1700000000.5}")).timestamp()).isEqualTo(1700000000500L);
    }

    @Test
    void autoIsTheDefaultAndEveryFormOfOneInstantGivesTheSameRecordTimestamp() {
        long instant = 1_795_341_600_123L; // 2026-11-22T10:00:00.123Z
        List<String> forms = List.of("1795341600123", "\"1795341600123\"", "1795341600.123", "\"1795341600.123\"",
                "\"2026-11-22T10:00:00.123Z\"", "\"2026-11-22T11:00:00.123+01:00\"", "\"2026-11-22T10:00:00.123000Z\"");
        for (String numberMode : List.of("infer", "float64")) {
            MqttRecordMapper mapper = mapper("mqtt.timestamp.field", "ts", "mqtt.value.json.number.mode", numberMode);
            for (String form : forms) {
                assertThat(mapper.toRecord(message("d/a/t", "{\"ts\":" + form + ",\"t\":1.5}")).timestamp())
                        .as("ts %s in number mode %s", form, numberMode).isEqualTo(instant);
            }
            for (String form : List.of("1795341600", "\"1795341600\"", "\"2026-11-22T10:00:00Z\"", "\"2026-11-22T11:00:00+01:00\"")) {
                assertThat(mapper.toRecord(message("d/a/t", "{\"ts\":" + form + "}")).timestamp())
                        .as("ts %s in number mode %s", form, numberMode).isEqualTo(instant - 123);
            }
        }
    }

    @Test
    void badTimestampsInAutoGoToTheErrorTopicWithReasons() {
        MqttRecordMapper mapper = mapper("mqtt.timestamp.field", "ts");
        Map<String, String> reasons = Map.of(
                "\"2026-11-22T10:00:00\"", "timestamp field 'ts': '2026-11-22T10:00:00' has no zone: add Z for UTC",
                "1795341600123456", "timestamp field 'ts': time 1795341600123456 is too large for epoch milliseconds",
                "-1", "timestamp field 'ts': time -1 is before 1970",
                "\"1969-12-31T23:00:00Z\"", "timestamp field 'ts': time '1969-12-31T23:00:00Z' is before 1970",
                "true", "timestamp field 'ts': expected epoch seconds or milliseconds (a number) or an ISO-8601 string");
        for (Map.Entry<String, String> bad : reasons.entrySet()) {
            MqttMessageEnvelope message = message("devices/d/telemetry", "{\"ts\":" + bad.getKey() + "}");
            MalformedMessageException failure = catchMalformed(mapper, message);
            assertThat(failure.stage()).as(bad.getKey()).isEqualTo(MalformedMessageException.Stage.TIMESTAMP);
            assertThat(failure.reason()).as(bad.getKey()).startsWith(bad.getValue());
            assertThat(header(mapper.errorRecord(message, failure), "mqtt.error.reason")).isEqualTo(failure.reason());
        }
    }

    @Test
    void numbersBeyondADoubleAreMalformedNotInfinity() {
        for (String numberMode : List.of("infer", "float64")) {
            MqttRecordMapper mapper = mapper("mqtt.value.json.number.mode", numberMode, "mqtt.value.json.struct", "false");
            for (String number : List.of("1e999999", "-1e999999")) {
                MqttMessageEnvelope message = message("devices/d/telemetry", "{\"t\":21.5,\"p\":" + number + "}");
                MalformedMessageException failure = catchMalformed(mapper, message);
                assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.VALUE);
                assertThat(failure.reason()).as("%s in %s", number, numberMode)
                        .isEqualTo("invalid JSON: number " + number + " at $.p is beyond the range of a 64-bit float "
                                + "(magnitude up to 1.7976931348623157E308); it would be read as "
                                + (number.startsWith("-") ? "-Infinity" : "Infinity"));
                assertThat(failure.position()).isEqualTo("byte 14, line 1, column 15");
                MqttSourceRecord error = mapper.errorRecord(message, failure);
                assertThat(error.topic()).isEqualTo("plant-a-errors");
                assertThat((byte[]) error.value()).isEqualTo(message.payload());
                assertThat(header(error, "mqtt.error.reason")).isEqualTo(failure.reason());
            }
            assertThat(catchMalformed(mapper, message("devices/d/telemetry", "{\"n\":123456789012345678901234567890}")).reason())
                    .isEqualTo("invalid JSON: integer 123456789012345678901234567890 at $.n does not fit in 64 bits");
            assertThat(mapper.toRecord(message("devices/d/telemetry", "{\"t\":1e-999999}")).value())
                    .as("underflow reads as 0.0, in %s", numberMode).isEqualTo(Map.of("t", 0.0));
        }
    }

    @Test
    void templatedTopicAndSchemalessMap() {
        MqttSourceRecord record = mapper("mqtt.kafka.topic", "iot.${3}", "mqtt.value.json.struct", "false")
                .toRecord(message("devices/d1/telemetry", "{\"t\":1.5}"));
        assertThat(record.topic()).isEqualTo("iot.telemetry");
        assertThat(record.valueSchema()).isNull();
        assertThat(record.value()).isEqualTo(Map.of("t", 1.5));
    }

    @Test
    void bytesAndStringFormats() {
        byte[] binary = {1, 2, (byte) 0xFF};
        MqttSourceRecord bytes = mapper("mqtt.value.format", "bytes").toRecord(message("d/a/t", binary));
        assertThat(bytes.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat((byte[]) bytes.value()).isEqualTo(binary);
        assertThat(mapper("mqtt.value.format", "string").toRecord(message("d/a/t", "héllo")).value()).isEqualTo("héllo");
        assertThatThrownBy(() -> mapper("mqtt.value.format", "string").toRecord(message("d/a/t", new byte[] {'o', 'k', (byte) 0xC3, 0x28})))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedMessageException.Stage.VALUE);
                    assertThat(e.reason()).contains("invalid UTF-8");
                    assertThat(e.position()).isEqualTo("byte 2");
                });
    }

    @Test
    void malformedJsonCarriesReasonAndPosition() {
        assertThatThrownBy(() -> mapper().toRecord(message("devices/d1/telemetry", "{\"t\": 21.5,")))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedMessageException.Stage.VALUE);
                    assertThat(e.reason()).startsWith("invalid JSON:");
                    assertThat(e.position()).contains("byte").contains("line 1");
                    assertThat(e.getMessage()).contains("devices/d1/telemetry");
                });
    }

    @Test
    void missingKeyBadTimestampAndUnroutableTopicAreMalformed() {
        assertThatThrownBy(() -> mapper().toRecord(message("devices", "{}")))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.stage()).isEqualTo(MalformedMessageException.Stage.KEY));
        assertThatThrownBy(() -> mapper("mqtt.key.source", "payload-field", "mqtt.key.field", "id").toRecord(message("a", "{\"id\":{\"x\":1}}")))
                .hasMessageContaining("must be a non-empty string or a number, got an object");
        assertThatThrownBy(() -> mapper("mqtt.timestamp.field", "ts").toRecord(message("d/a/t", "{\"ts\":\"yesterday\"}")))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedMessageException.Stage.TIMESTAMP);
                    assertThat(e.reason()).startsWith("timestamp field 'ts': 'yesterday' is neither epoch seconds or milliseconds "
                            + "nor an ISO-8601 time with a zone");
                });
        assertThatThrownBy(() -> mapper("mqtt.timestamp.field", "ts", "mqtt.timestamp.format", "epoch-millis")
                .toRecord(message("d/a/t", "{\"ts\":\"yesterday\"}")))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason()).contains("expected a number"));
        assertThatThrownBy(() -> mapper("mqtt.timestamp.field", "ts").toRecord(message("d/a/t", "{\"ts\":-5}")))
                .hasMessageContaining("before 1970");
        assertThatThrownBy(() -> mapper("mqtt.kafka.topic", "t.${5}").toRecord(message("d/a/t", "{}")))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.stage()).isEqualTo(MalformedMessageException.Stage.TOPIC));
    }

    @Test
    void errorRecordCarriesRawPayloadAndReason() {
        MqttRecordMapper mapper = mapper();
        MqttMessageEnvelope bad = message("devices/dev-9/telemetry", "{\"t\":");
        MalformedMessageException failure = catchMalformed(mapper, bad);
        MqttSourceRecord error = mapper.errorRecord(bad, failure);
        assertThat(error.topic()).isEqualTo("plant-a-errors");
        assertThat(error.key()).isEqualTo("dev-9");
        assertThat((byte[]) error.value()).isEqualTo(bad.payload());
        assertThat(header(error, "mqtt.error.reason")).asString().startsWith("invalid JSON");
        assertThat(header(error, "mqtt.error.stage")).isEqualTo("value");
        assertThat(header(error, "mqtt.error.position")).asString().contains("byte");
        assertThat(header(error, "mqtt.error.connector")).isEqualTo("plant-a");
        assertThat(header(error, "mqtt.topic")).isEqualTo("devices/dev-9/telemetry");
        assertThat(error.message()).isSameAs(bad);
    }

    @Test
    void oversizedPayloadGoesToTheErrorTopicAsABoundedPrefixWithItsSizeAndDigest() throws Exception {
        MqttRecordMapper mapper = mapper("mqtt.value.max.bytes", "10", "mqtt.error.payload.max.bytes", "4", "mqtt.error.topic", "bad");
        MqttMessageEnvelope big = message("devices/d/telemetry", "{\"t\":\"0123456789\"}");
        MalformedMessageException failure = catchMalformed(mapper, big);
        assertThat(failure.reason()).isEqualTo("payload of 18 bytes exceeds mqtt.value.max.bytes=10");
        MqttSourceRecord error = mapper.errorRecord(big, failure);
        assertThat(error.topic()).isEqualTo("bad");
        assertThat((byte[]) error.value()).isEqualTo("{\"t\"".getBytes(StandardCharsets.UTF_8));
        assertThat(header(error, "mqtt.error.payload.bytes")).isEqualTo((long) big.payload().length);
        assertThat(header(error, "mqtt.error.payload.truncated")).isEqualTo(true);
        assertThat(header(error, "mqtt.error.payload.sha256")).isEqualTo(
                java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(big.payload())));
    }

    @Test
    void defaultsKeepEveryRecordWithinTheProducersDefaultRequestSize() {
        MqttRecordMapper mapper = mapper();
        int producerDefault = 1024 * 1024;
        byte[] huge = new byte[5 * producerDefault];
        java.util.Arrays.fill(huge, (byte) 'x');
        MqttMessageEnvelope message = message("devices/d/telemetry", huge);
        MqttSourceRecord error = mapper.errorRecord(message, catchMalformed(mapper, message));
        assertThat(((byte[]) error.value()).length).isLessThanOrEqualTo(64 * 1024);
        assertThat(header(error, "mqtt.error.payload.bytes")).isEqualTo((long) huge.length);
        // The largest payload that still becomes a record leaves room for the key, headers and converter overhead.
        assertThat(new MqttSourceConnectorConfig(props()).valueMaxBytes()).isLessThanOrEqualTo(producerDefault / 2);
    }

    @Test
    void jsonNullIsMalformedNotATombstone() {
        MqttRecordMapper mapper = mapper();
        MalformedMessageException failure = catchMalformed(mapper, message("devices/d/telemetry", "null"));
        assertThat(failure.reason()).isEqualTo("payload is JSON null, not a reading");
        assertThat(catchMalformed(mapper, message("devices/d/telemetry", "")).reason()).startsWith("invalid JSON: empty payload");
        assertThat(mapper.toRecord(message("devices/d/telemetry", "42")).value()).as("a bare number is JSON; the SMTs judge it").isEqualTo(42L);
    }

    @Test
    void aFieldWithAnEmptyNameGoesToTheErrorTopicNotTheTask() {
        MqttRecordMapper mapper = mapper();
        MalformedMessageException failure = catchMalformed(mapper, message("devices/d/telemetry", "{\"\":1,\"t\":2.5}"));
        assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.VALUE);
        assertThat(failure.reason()).contains("named \"\"");
        assertThat(mapper.errorRecord(message("devices/d/telemetry", "{\"\":1}"), failure).topic()).isNotBlank();
    }

    @Test
    void schemaIsCachedPerShape() {
        MqttRecordMapper mapper = mapper();
        Schema first = mapper.toRecord(message("devices/a/telemetry", "{\"t\":1.5}")).valueSchema();
        Schema second = mapper.toRecord(message("devices/b/telemetry", "{\"t\":2.5}")).valueSchema();
        Schema drifted = mapper.toRecord(message("devices/a/telemetry", "{\"t\":\"n/a\"}")).valueSchema();
        assertThat(second).isSameAs(first);
        assertThat(drifted).isNotEqualTo(first);
        assertThat(mapper.cachedSchemas()).isEqualTo(2);
    }

    @Test
    void avroNamesAndSchemaNamesFromTheKafkaTopicTheRecordGoesTo() {
        MqttRecordMapper mapper = mapper("mqtt.kafka.topic", "devices-${3}", "mqtt.value.json.field.names", "avro",
                "mqtt.value.json.schema.name", "io.iotconnect.${topic}", "mqtt.timestamp.field", "time-ms");
        String payload = "{\"temp-c\":21.5,\"1st\":true,\"\u00fc\":\"x\",\"time-ms\":1795356222123,"
                + "\"geo\":{\"lat-deg\":52.5},\"samples\":[{\"v-1\":1.0},{\"v-1\":2.0}]}";
        MqttSourceRecord record = mapper.toRecord(message("devices/d1/telemetry", payload));
        assertThat(record.topic()).isEqualTo("devices-telemetry");
        assertThat(record.timestamp()).as("the timestamp field names the payload's own key").isEqualTo(1795356222123L);
        Schema schema = record.valueSchema();
        assertThat(schema.name()).isEqualTo("io.iotconnect.devices_telemetry");
        assertThat(schema.fields()).extracting(f -> f.name()).containsExactly("temp_c", "_1st", "_", "time_ms", "geo", "samples");
        assertThat(schema.parameters()).containsEntry("io.confluent.connect.avro.field.doc.temp_c", "JSON name: temp-c")
                .containsEntry("iotconnect.json.name._1st", "1st").doesNotContainKey("iotconnect.json.name.geo");
        assertThat(schema.field("geo").schema().name()).isEqualTo("io.iotconnect.devices_telemetry.geo");
        assertThat(schema.field("samples").schema().valueSchema().name()).isEqualTo("io.iotconnect.devices_telemetry.samples");
        Struct value = (Struct) record.value();
        value.validate();
        assertThat(value.getFloat64("temp_c")).isEqualTo(21.5);
        assertThat(value.getStruct("geo").getFloat64("lat_deg")).isEqualTo(52.5);
        assertThat(value.getArray("samples")).extracting(s -> ((Struct) s).getFloat64("v_1")).containsExactly(1.0, 2.0);

        Schema alarms = mapper.toRecord(message("devices/d1/alarms", payload)).valueSchema();
        assertThat(alarms.name()).as("one shape, another topic: another schema").isEqualTo("io.iotconnect.devices_alarms");
        assertThat(alarms.field("geo").schema().name()).isEqualTo("io.iotconnect.devices_alarms.geo");
        assertThat(mapper.toRecord(message("devices/d2/telemetry", payload)).valueSchema()).isSameAs(schema);
        assertThat(mapper.cachedSchemas()).isEqualTo(2);
    }

    @Test
    void aTopicsSchemaGrowsAndAFieldThatChangesTypeGoesToTheErrorTopicWithBothTypes() {
        MqttRecordMapper mapper = mapper("mqtt.value.json.field.names", "avro", "mqtt.value.json.schema.name",
                "io.iotconnect.${topic}", "mqtt.value.json.schema.scope", "topic", "mqtt.value.json.number.mode", "float64");
        Schema first = mapper.toRecord(message("devices/a/telemetry", "{\"t\":21,\"rssi\":-70}")).valueSchema();
        MqttSourceRecord fewer = mapper.toRecord(message("devices/b/telemetry", "{\"t\":22.5}"));
        assertThat(fewer.valueSchema()).isSameAs(first);
        assertThat(((Struct) fewer.value()).get("rssi")).isNull();
        Schema grown = mapper.toRecord(message("devices/c/telemetry", "{\"battery\":88,\"t\":20}")).valueSchema();
        assertThat(grown.fields()).extracting(f -> f.name()).containsExactly("battery", "rssi", "t");
        assertThat(mapper.toRecord(message("devices/a/telemetry", "{\"t\":21,\"rssi\":-71}")).valueSchema()).isSameAs(grown);

        MalformedMessageException failure = catchMalformed(mapper, message("devices/d/telemetry", "{\"t\":\"hot\"}"));
        assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.VALUE);
        assertThat(failure.reason()).contains("$.t is a number in the topic's schema, and this payload has a string there");
        MqttSourceRecord error = mapper.errorRecord(message("devices/d/telemetry", "{\"t\":\"hot\"}"), failure);
        assertThat(header(error, MqttRecordMapper.HEADER_ERROR_REASON)).isEqualTo(failure.reason());
        assertThat(mapper.cachedSchemas()).isEqualTo(1);
    }

    @Test
    void numberDriftRouteSendsAFractionInAnIntegerFieldToTheErrorTopic() {
        MqttRecordMapper mapper = mapper("mqtt.value.json.schema.scope", "topic", "mqtt.value.json.number.drift", "route");
        Schema integers = mapper.toRecord(message("devices/a/telemetry", "{\"seq\":1}")).valueSchema();
        assertThat(integers.field("seq").schema().type()).isEqualTo(Schema.Type.INT64);
        MalformedMessageException failure = catchMalformed(mapper, message("devices/a/telemetry", "{\"seq\":1.5}"));
        assertThat(failure.reason()).contains("$.seq").contains("1.5").contains("'route'");
        assertThat(mapper("mqtt.value.json.schema.scope", "topic").toRecord(message("devices/a/telemetry", "{\"seq\":1.5}"))
                .valueSchema().field("seq").schema().type()).as("widen, the default").isEqualTo(Schema.Type.FLOAT64);
    }

    @Test
    void keysThatBecomeOneAvroNameGoToTheErrorTopicWithBothNamed() {
        MqttRecordMapper mapper = mapper("mqtt.value.json.field.names", "avro");
        MalformedMessageException failure = catchMalformed(mapper, message("devices/d/telemetry", "{\"temp-c\":1,\"temp_c\":2}"));
        assertThat(failure.stage()).isEqualTo(MalformedMessageException.Stage.VALUE);
        assertThat(failure.reason()).contains("\"temp-c\" and \"temp_c\"").contains("Avro name temp_c");
        MqttSourceRecord error = mapper.errorRecord(message("devices/d/telemetry", "{\"temp-c\":1,\"temp_c\":2}"), failure);
        assertThat(error.topic()).isEqualTo("plant-a-errors");
        assertThat(header(error, MqttRecordMapper.HEADER_ERROR_REASON)).isEqualTo(failure.reason());
        assertThat(((Struct) mapper().toRecord(message("devices/d/telemetry", "{\"temp-c\":1,\"temp_c\":2}")).value())
                .getInt64("temp-c")).as("keep, the default, keeps both").isEqualTo(1L);
    }

    @Test
    void theDefaultsKeepSchemasAsTheyWere() {
        Schema schema = mapper().toRecord(message("devices/d/telemetry", "{\"temp-c\":1,\"geo\":{\"lat\":1.0}}")).valueSchema();
        assertThat(schema.name()).isNull();
        assertThat(schema.parameters()).isNull();
        assertThat(schema.field("temp-c")).isNotNull();
        assertThat(schema.field("geo").schema().name()).isNull();
    }

    @Test
    void inferredSchemasBecomeAvroWithOnlySpecNamesDocsAndStableRecordNames() {
        MqttRecordMapper mapper = mapper("mqtt.value.json.field.names", "avro", "mqtt.value.json.schema.name", "io.iotconnect.${topic}");
        AvroData avroData = new AvroData(16);
        org.apache.avro.Schema full = avroData.fromConnectSchema(mapper.toRecord(message("devices/d/telemetry",
                "{\"temp-c\":1.5,\"1st\":1,\"\u00fc\":\"x\",\"geo\":{\"lat\":1.0},\"samples\":[{\"v-x\":1.0}]}")).valueSchema());
        org.apache.avro.Schema fewer = avroData.fromConnectSchema(mapper.toRecord(message("devices/d/telemetry",
                "{\"samples\":[{\"v-x\":2.0}]}")).valueSchema());

        assertThat(new org.apache.avro.Schema.Parser().parse(full.toString())).isEqualTo(full);
        assertThat(full.getFullName()).isEqualTo("io.iotconnect.telemetry");
        List<String> names = new ArrayList<>();
        collectNames(full, names);
        assertThat(names).contains("temp_c", "_1st", "_", "io.iotconnect.telemetry.geo", "io.iotconnect.telemetry.samples", "v_x")
                .allSatisfy(name -> assertThat(name).matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*"));
        assertThat(full.getField("temp_c").doc()).isEqualTo("JSON name: temp-c");
        assertThat(full.getField("_").doc()).isEqualTo("JSON name: \u00fc");
        assertThat(full.getField("geo").doc()).isNull();
        assertThat(full.getField("temp_c").schema().getTypes()).extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.DOUBLE);
        assertThat(nonNull(fewer.getField("samples").schema()).getElementType())
                .as("the element record keeps its name and shape without the fields before it")
                .isEqualTo(nonNull(full.getField("samples").schema()).getElementType());

        org.apache.avro.Schema unnamed = avroData.fromConnectSchema(mapper().toRecord(message("devices/d/telemetry",
                "{\"geo\":{\"lat\":1.0}}")).valueSchema());
        assertThat(unnamed.getFullName()).as("the default, as before").isEqualTo("io.confluent.connect.avro.ConnectDefault");
    }

    private static MalformedMessageException catchMalformed(MqttRecordMapper mapper, MqttMessageEnvelope message) {
        try {
            mapper.toRecord(message);
        } catch (MalformedMessageException e) {
            return e;
        }
        throw new AssertionError("expected a malformed message");
    }
}
