package io.iotconnect.iothub.mapping;

import io.iotconnect.iothub.client.IotHubEvent;
import io.iotconnect.iothub.client.TestEvents;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IotHubRecordMapperTest {

    /** The connector's clock: a minute after the readings' own time, 2026-11-22T10:00:00.123Z. */
    private static final long NOW = 1_795_341_600_123L + 60_000;

    private static IotHubRecordMapper mapper(String... keysAndValues) {
        Map<String, String> props = new HashMap<>();
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=s;"
                + "SharedAccessKey=k;EntityPath=hub");
        props.put(IotHubSourceConfig.TOPIC_CONFIG, "telemetry");
        props.put("name", "iothub");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return new IotHubRecordMapper(new IotHubSourceConfig(props), () -> NOW);
    }

    private static Object header(SourceRecord record, String key) {
        Header header = record.headers().lastWithName(key);
        return header == null ? null : header.value();
    }

    private static IotHubEvent fullEvent() {
        Map<String, Object> iotHub = new LinkedHashMap<>();
        iotHub.put("iothub-connection-device-id", "sensor-7");
        iotHub.put("iothub-connection-module-id", "thermo");
        iotHub.put("iothub-connection-auth-method", "{\"scope\":\"device\",\"type\":\"sas\"}");
        iotHub.put("iothub-message-source", "Telemetry");
        iotHub.put("iothub-enqueuedtime", new Date(1_000L));
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("alert", "high");
        properties.put("count", 3L);
        properties.put("ratio", 0.5);
        properties.put("urgent", true);
        return new IotHubEvent("2", 17, "1700", TestEvents.ENQUEUED, "pk-1", "{\"t\":21.5,\"ts\":1795341600123}".getBytes(StandardCharsets.UTF_8),
                iotHub, "m-1", "c-1", "application/json", "utf-8", properties, 20L);
    }

    @Test
    void keyIsTheDeviceIdAndEveryMetadataIsAHeader() {
        SourceRecord record = mapper().toRecord(fullEvent());
        assertThat(record.topic()).isEqualTo("telemetry");
        assertThat(record.key()).isEqualTo("sensor-7");
        assertThat(record.keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(record.timestamp()).isEqualTo(TestEvents.ENQUEUED.toEpochMilli());
        assertThat(record.sourcePartition()).isEqualTo(Map.of("eventhub", "hub", "partition", "2"));
        assertThat(record.sourceOffset()).isEqualTo(Map.of("sequenceNumber", 17L));
        assertThat(record.kafkaPartition()).isNull();

        assertThat(header(record, EventHeaders.ENQUEUED_TIME)).isEqualTo(TestEvents.ENQUEUED.toEpochMilli());
        assertThat(header(record, EventHeaders.SEQUENCE_NUMBER)).isEqualTo(17L);
        assertThat(header(record, EventHeaders.OFFSET)).isEqualTo("1700");
        assertThat(header(record, EventHeaders.PARTITION)).isEqualTo("2");
        assertThat(header(record, EventHeaders.PARTITION_KEY)).isEqualTo("pk-1");
        assertThat(header(record, EventHeaders.DEVICE_ID)).isEqualTo("sensor-7");
        assertThat(header(record, EventHeaders.MODULE_ID)).isEqualTo("thermo");
        assertThat(header(record, EventHeaders.AUTH_METHOD)).isEqualTo("{\"scope\":\"device\",\"type\":\"sas\"}");
        assertThat(header(record, EventHeaders.MESSAGE_SOURCE)).isEqualTo("Telemetry");
        assertThat(header(record, "iothub.enqueuedtime")).as("IoT Hub's own time, epoch ms").isEqualTo(1_000L);
        assertThat(header(record, EventHeaders.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(header(record, EventHeaders.CONTENT_ENCODING)).isEqualTo("utf-8");
        assertThat(header(record, EventHeaders.MESSAGE_ID)).isEqualTo("m-1");
        assertThat(header(record, EventHeaders.CORRELATION_ID)).isEqualTo("c-1");
        assertThat(header(record, "iothub.property.alert")).isEqualTo("high");
        assertThat(header(record, "iothub.property.count")).isEqualTo(3L);
        assertThat(header(record, "iothub.property.ratio")).isEqualTo(0.5);
        assertThat(header(record, "iothub.property.urgent")).isEqualTo(true);
    }

    @Test
    void keyFallsBackToThePartitionKeyThenNull() {
        IotHubEvent keyed = TestEvents.event("0", 1, "{}".getBytes(StandardCharsets.UTF_8), Map.of(), "device-9", Map.of());
        assertThat(mapper().toRecord(keyed).key()).isEqualTo("device-9");
        IotHubEvent plain = TestEvents.event("0", 1, "{}".getBytes(StandardCharsets.UTF_8), Map.of(), null, Map.of());
        SourceRecord record = mapper().toRecord(plain);
        assertThat(record.key()).isNull();
        assertThat(record.keySchema()).isNull();
        assertThat(header(record, EventHeaders.DEVICE_ID)).isNull();
    }

    @Test
    void headersCanBeTurnedOff() {
        assertThat(mapper(IotHubSourceConfig.HEADERS_ENABLE_CONFIG, "false").toRecord(fullEvent()).headers()).isEmpty();
    }

    @Test
    void jsonBecomesAStructWithASchemaOrAMap() {
        SourceRecord struct = mapper().toRecord(fullEvent());
        assertThat(struct.value()).isInstanceOf(Struct.class);
        assertThat(((Struct) struct.value()).getFloat64("t")).isEqualTo(21.5);
        assertThat(struct.valueSchema().field("ts").schema().type()).isEqualTo(Schema.Type.INT64);

        SourceRecord map = mapper(IotHubSourceConfig.JSON_STRUCT_CONFIG, "false").toRecord(fullEvent());
        assertThat(map.valueSchema()).isNull();
        assertThat(map.value()).isEqualTo(Map.of("t", 21.5, "ts", 1795341600123L));
    }

    @Test
    void bytesAndStringFormatsKeepTheBody() {
        byte[] body = {1, 2, (byte) 0xff};
        IotHubEvent binary = TestEvents.event("0", 3, body, Map.of(), null, Map.of());
        SourceRecord bytes = mapper(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "bytes").toRecord(binary);
        assertThat(bytes.valueSchema()).isEqualTo(Schema.BYTES_SCHEMA);
        assertThat((byte[]) bytes.value()).containsExactly(body);

        SourceRecord text = mapper(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "string").toRecord(TestEvents.telemetry("0", 1, "d", "héllo"));
        assertThat(text.value()).isEqualTo("héllo");
        assertThatThrownBy(() -> mapper(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "string").toRecord(binary))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> {
                    assertThat(e.reason()).startsWith("invalid UTF-8");
                    assertThat(e.position()).isEqualTo("byte 2");
                });
    }

    @Test
    void theTimestampCanComeFromAPayloadFieldElseTheEnqueuedTime() {
        IotHubRecordMapper payloadTime = mapper(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field",
                IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts");
        assertThat(payloadTime.toRecord(fullEvent()).timestamp()).isEqualTo(1_795_341_600_123L);
        assertThat(payloadTime.toRecord(TestEvents.telemetry("0", 4, "d", "{\"t\":1}")).timestamp())
                .isEqualTo(TestEvents.ENQUEUED.plusMillis(4).toEpochMilli());
        assertThatThrownBy(() -> payloadTime.toRecord(TestEvents.telemetry("0", 5, "d", "{\"ts\":\"yesterday\"}")))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.TIMESTAMP);
                    assertThat(e.reason()).startsWith("timestamp field 'ts'");
                });
    }

    @Test
    void routesByMessageSource() {
        IotHubRecordMapper routed = mapper(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "twinChangeEvents:twins");
        Map<String, Object> twin = Map.of(IotHubEvent.DEVICE_ID, "d", IotHubEvent.MESSAGE_SOURCE, "TWINCHANGEEVENTS");
        assertThat(routed.toRecord(TestEvents.event("0", 1, "{}".getBytes(StandardCharsets.UTF_8), twin, null, Map.of())).topic())
                .isEqualTo("twins");
        assertThat(routed.toRecord(fullEvent()).topic()).isEqualTo("telemetry");
        assertThat(routed.toRecord(TestEvents.event("0", 1, "{}".getBytes(StandardCharsets.UTF_8), Map.of(), null, Map.of())).topic())
                .isEqualTo("telemetry");
    }

    @Test
    void avroNamesAndSchemaNamesFollowTheTopicOfTheMessageSource() {
        IotHubRecordMapper mapper = mapper(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "twinChangeEvents:device-twins",
                IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG, "avro", IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG, "io.iotconnect.${topic}",
                IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field", IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts-ms");
        String body = "{\"temp-c\":21.5,\"ts-ms\":1795341600123,\"geo\":{\"lat-deg\":52.5},\"samples\":[{\"v\":1.0}]}";
        SourceRecord telemetry = mapper.toRecord(TestEvents.telemetry("0", 1, "d", body));
        assertThat(telemetry.topic()).isEqualTo("telemetry");
        assertThat(telemetry.timestamp()).as("the timestamp field names the body's own key").isEqualTo(1795341600123L);
        Schema schema = telemetry.valueSchema();
        assertThat(schema.name()).isEqualTo("io.iotconnect.telemetry");
        assertThat(schema.fields()).extracting(f -> f.name()).containsExactly("temp_c", "ts_ms", "geo", "samples");
        assertThat(schema.parameters()).containsEntry("io.confluent.connect.avro.field.doc.temp_c", "JSON name: temp-c")
                .containsEntry("iotconnect.json.name.ts_ms", "ts-ms").hasSize(4);
        assertThat(schema.field("geo").schema().name()).isEqualTo("io.iotconnect.telemetry.geo");
        assertThat(schema.field("samples").schema().valueSchema().name()).isEqualTo("io.iotconnect.telemetry.samples");
        Struct value = (Struct) telemetry.value();
        value.validate();
        assertThat(value.getStruct("geo").getFloat64("lat_deg")).isEqualTo(52.5);

        Map<String, Object> twin = Map.of(IotHubEvent.DEVICE_ID, "d", IotHubEvent.MESSAGE_SOURCE, "twinChangeEvents");
        SourceRecord twinRecord = mapper.toRecord(TestEvents.event("0", 2, body.getBytes(StandardCharsets.UTF_8), twin, null, Map.of()));
        assertThat(twinRecord.topic()).isEqualTo("device-twins");
        assertThat(twinRecord.valueSchema().name()).as("one shape, two topics: two schemas").isEqualTo("io.iotconnect.device_twins");
        assertThat(twinRecord.valueSchema().field("geo").schema().name()).isEqualTo("io.iotconnect.device_twins.geo");
        assertThat(mapper.toRecord(TestEvents.telemetry("1", 3, "e", body)).valueSchema()).isSameAs(schema);
    }

    @Test
    void aTopicsSchemaGrowsWithItsBodiesAndAFieldThatChangesTypeMakesTheEventMalformed() {
        IotHubRecordMapper mapper = mapper(IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG, "avro",
                IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG, "io.iotconnect.${topic}",
                IotHubSourceConfig.JSON_SCHEMA_SCOPE_CONFIG, "topic", IotHubSourceConfig.JSON_NUMBER_DRIFT_CONFIG, "route");
        Schema first = mapper.toRecord(TestEvents.telemetry("1", 1, "d1", "{\"t\":21,\"b\":true}")).valueSchema();
        assertThat(first.name()).isEqualTo("io.iotconnect.telemetry");
        SourceRecord fewer = mapper.toRecord(TestEvents.telemetry("1", 2, "d2", "{\"t\":22}"));
        assertThat(fewer.valueSchema()).isSameAs(first);
        Schema grown = mapper.toRecord(TestEvents.telemetry("1", 3, "d3", "{\"rssi-db\":-70,\"t\":20}")).valueSchema();
        assertThat(grown.fields()).extracting(f -> f.name()).containsExactly("b", "rssi_db", "t");

        IotHubEvent fraction = TestEvents.telemetry("1", 4, "d1", "{\"t\":21.5}");
        assertThatThrownBy(() -> mapper.toRecord(fraction)).isInstanceOfSatisfying(MalformedEventException.class, e ->
                assertThat(e.reason()).contains("$.t").contains("21.5").contains("'route'"));
        IotHubEvent flipped = TestEvents.telemetry("1", 5, "d1", "{\"b\":\"yes\"}");
        assertThatThrownBy(() -> mapper.toRecord(flipped)).isInstanceOfSatisfying(MalformedEventException.class, e ->
                assertThat(e.reason()).contains("$.b is a boolean in the topic's schema, and this payload has a string there"));
    }

    @Test
    void keysThatBecomeOneAvroNameMakeTheEventMalformed() {
        IotHubRecordMapper mapper = mapper(IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG, "avro");
        IotHubEvent event = TestEvents.telemetry("1", 9, "d", "{\"t\":1,\"x\":{\"temp-c\":1,\"temp_c\":2}}");
        assertThatThrownBy(() -> mapper.toRecord(event))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.VALUE);
                    assertThat(e.reason()).contains("\"temp-c\" and \"temp_c\"").contains("Avro name temp_c");
                    assertThat(header(mapper.errorRecord(event, e), IotHubRecordMapper.HEADER_ERROR_REASON)).isEqualTo(e.reason());
                });
        Schema kept = mapper().toRecord(TestEvents.telemetry("1", 9, "d", "{\"temp-c\":1,\"g\":{\"a\":1}}")).valueSchema();
        assertThat(kept.name()).as("the defaults: unnamed, names as written").isNull();
        assertThat(kept.field("temp-c")).isNotNull();
        assertThat(kept.parameters()).isNull();
    }

    @Test
    void malformedBodiesSayWhyAndWhere() {
        assertThatThrownBy(() -> mapper().toRecord(TestEvents.telemetry("1", 9, "d", "{\"t\":")))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.VALUE);
                    assertThat(e.reason()).startsWith("invalid JSON");
                    assertThat(e.getMessage()).startsWith("malformed event 9 of partition 1 (value)");
                });
        assertThatThrownBy(() -> mapper().toRecord(TestEvents.telemetry("1", 9, "d", "null")))
                .hasMessageContaining("JSON null");
        assertThatThrownBy(() -> mapper().toRecord(TestEvents.telemetry("1", 9, "d", "{\"t\":1,\"x\":{\"\":2}}")))
                .isInstanceOfSatisfying(MalformedEventException.class, e -> {
                    assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.VALUE);
                    assertThat(e.reason()).contains("named \"\"");
                });
        assertThatThrownBy(() -> mapper(IotHubSourceConfig.VALUE_MAX_BYTES_CONFIG, "4").toRecord(TestEvents.telemetry("1", 9, "d", "{\"a\":1}")))
                .hasMessageContaining("body of 7 bytes exceeds iothub.value.max.bytes=4");
    }

    @Test
    void anErrorRecordCarriesTheBoundedRawBodyTheReasonAndTheEventsOffset() {
        IotHubRecordMapper mapper = mapper(IotHubSourceConfig.ERROR_PAYLOAD_MAX_BYTES_CONFIG, "3",
                IotHubSourceConfig.ERROR_TOPIC_CONFIG, "bad-readings");
        IotHubEvent event = TestEvents.telemetry("1", 9, "sensor-1", "{\"t\":");
        MalformedEventException failure = org.junit.jupiter.api.Assertions.assertThrows(MalformedEventException.class,
                () -> mapper.toRecord(event));
        SourceRecord error = mapper.errorRecord(event, failure);
        assertThat(error.topic()).isEqualTo("bad-readings");
        assertThat(error.key()).isEqualTo("sensor-1");
        assertThat((byte[]) error.value()).containsExactly('{', '"', 't');
        assertThat(error.valueSchema()).isEqualTo(Schema.OPTIONAL_BYTES_SCHEMA);
        assertThat(error.sourcePartition()).isEqualTo(Map.of("eventhub", "hub", "partition", "1"));
        assertThat(error.sourceOffset()).as("counts as read").isEqualTo(Map.of("sequenceNumber", 9L));
        assertThat(error.timestamp()).isEqualTo(TestEvents.ENQUEUED.plusMillis(9).toEpochMilli());
        assertThat(header(error, IotHubRecordMapper.HEADER_ERROR_REASON)).asString().startsWith("invalid JSON");
        assertThat(header(error, IotHubRecordMapper.HEADER_ERROR_STAGE)).isEqualTo("value");
        assertThat(header(error, IotHubRecordMapper.HEADER_ERROR_POSITION)).isNotNull();
        assertThat(header(error, IotHubRecordMapper.HEADER_ERROR_CONNECTOR)).isEqualTo("iothub");
        assertThat(header(error, IotHubRecordMapper.HEADER_ERROR_PAYLOAD_BYTES)).isEqualTo(5L);
        assertThat(header(error, IotHubRecordMapper.HEADER_ERROR_PAYLOAD_TRUNCATED)).isEqualTo(true);
        assertThat((String) header(error, IotHubRecordMapper.HEADER_ERROR_PAYLOAD_SHA256)).hasSize(64);
        assertThat(header(error, EventHeaders.SEQUENCE_NUMBER)).isEqualTo(9L);
        assertThat(header(error, EventHeaders.PARTITION)).isEqualTo("1");
    }

    @Test
    void aDeviceClockOutsideTheWindowGoesToTheErrorTopicOrFallsBackToTheEnqueuedTime() {
        IotHubEvent ahead = TestEvents.telemetry("0", 5, "d1", "{\"ts\":" + (NOW + 2 * 3_600_000L) + "}");
        IotHubRecordMapper strict = mapper(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field",
                IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts");
        assertThatThrownBy(() -> strict.toRecord(ahead)).isInstanceOfSatisfying(MalformedEventException.class, e -> {
            assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.TIMESTAMP);
            assertThat(e.reason()).isEqualTo("timestamp field 'ts': device time 2026-11-22T12:01:00.123Z is 2h ahead of the "
                    + "connector's clock, beyond iothub.timestamp.max.future=15m");
        });
        IotHubRecordMapper lenient = mapper(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field",
                IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts", IotHubSourceConfig.TIMESTAMP_OUT_OF_RANGE_CONFIG, "fallback");
        SourceRecord record = lenient.toRecord(ahead);
        assertThat(record.timestamp()).isEqualTo(TestEvents.ENQUEUED.toEpochMilli() + 5);
        assertThat((String) header(record, EventHeaders.TIMESTAMP_REPLACED)).contains("2h ahead");
        SourceRecord inside = lenient.toRecord(TestEvents.telemetry("0", 6, "d1", "{\"ts\":" + (NOW - 3_600_000L) + "}"));
        assertThat(inside.timestamp()).isEqualTo(NOW - 3_600_000L);
        assertThat(header(inside, EventHeaders.TIMESTAMP_REPLACED)).isNull();
    }

    @Test
    void applicationPropertiesBeyondTheBoundsAreCutWithAFlagOrRouted() {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < 50_000; i++) {
            properties.put("p" + i, "01234567890123456789");
        }
        IotHubEvent flood = new IotHubEvent("1", 9, "90", TestEvents.ENQUEUED, null, "{\"t\":1}".getBytes(StandardCharsets.UTF_8),
                Map.of("iothub-connection-device-id", "d1"), null, null, null, null, properties, null);
        SourceRecord record = mapper().toRecord(flood);
        long kept = 0;
        for (Header header : record.headers()) {
            kept += header.key().startsWith(EventHeaders.PROPERTY_PREFIX) ? 1 : 0;
        }
        assertThat(kept).isEqualTo(32);
        assertThat(header(record, EventHeaders.HEADERS_TRUNCATED)).isEqualTo(50_000 - 32);

        IotHubRecordMapper strict = mapper(IotHubSourceConfig.HEADERS_OVERFLOW_CONFIG, "error-topic");
        assertThatThrownBy(() -> strict.toRecord(flood)).isInstanceOfSatisfying(MalformedEventException.class, e -> {
            assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.HEADERS);
            assertThat(e.reason()).startsWith("50000 application properties of ").endsWith("bytes exceed "
                    + "iothub.headers.max.count=32 or iothub.headers.max.bytes=16384");
            SourceRecord error = strict.errorRecord(flood, e);
            assertThat(error.headers().size()).as("the error record copies only what fits").isLessThan(60);
            assertThat(header(error, EventHeaders.HEADERS_TRUNCATED)).isEqualTo(50_000 - 32);
            assertThat(error.sourceOffset()).as("counted as read").isEqualTo(Map.of("sequenceNumber", 9L));
        });
    }

    @Test
    void aRecordTheProducerWouldRefuseGoesToTheErrorTopicInstead() {
        StringBuilder body = new StringBuilder("{\"v\":[");
        while (body.length() < 480 * 1024) {
            body.append("1E6,");
        }
        body.append("1E6]}");
        IotHubEvent event = TestEvents.telemetry("0", 3, "d1", body.toString());
        assertThatThrownBy(() -> mapper().toRecord(event)).isInstanceOfSatisfying(MalformedEventException.class, e -> {
            assertThat(e.stage()).isEqualTo(MalformedEventException.Stage.SIZE);
            assertThat(e.reason()).contains("more than the producer's max.request.size=1048576");
        });
        assertThat(mapper("producer.override.max.request.size", "8388608").toRecord(event).topic()).isEqualTo("telemetry");
    }
}
