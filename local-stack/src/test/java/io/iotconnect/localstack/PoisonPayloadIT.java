package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a hostile or broken device sends, through the MQTT source and the transform chain exactly as
 * {@code connect-config/mqtt-source.json} ships them (errors.tolerance included): every valid reading arrives, every
 * bad message is in the error topic or the invalid topic with its reason, once, and every task stays RUNNING. Also:
 * REST {@code config/validate} reports the SMT and id-template mistakes that used to pass validation and fail at start.
 */
class PoisonPayloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int VALUE_MAX_BYTES = 512 * 1024;

    private static Path repository;
    private static MosquittoBroker broker;
    private static EmbeddedConnectCluster connect;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void start() {
        repository = Path.of("..").toAbsolutePath().normalize();
        broker = servers.add(MosquittoBroker.start());
        connect = servers.connect("poison-payload-it", 1);
    }

    /** A connector's config as committed in connect-config/, with {@code overrides} applied. */
    private static Map<String, String> shipped(String file, Map<String, String> overrides) throws IOException {
        JsonNode config = JSON.readTree(repository.resolve("connect-config").resolve(file).toFile()).get("config");
        Map<String, String> props = new HashMap<>();
        config.fields().forEachRemaining(entry -> props.put(entry.getKey(), entry.getValue().asText()));
        props.put("name", file.replace(".json", ""));
        props.putAll(overrides);
        return props;
    }

    private static String reading(String device, int seq, String extra) {
        return "{\"deviceId\":\"" + device + "\",\"seq\":" + seq + ",\"ts\":" + System.currentTimeMillis()
                + ",\"temperature\":21.5,\"humidity\":40.0,\"pressure\":1010.0" + extra + "}";
    }

    /** A JSON object of exactly {@code size} bytes. */
    private static byte[] objectOfSize(int size) {
        String head = "{\"pad\":\"";
        String tail = "\"}";
        char[] pad = new char[size - head.length() - tail.length()];
        Arrays.fill(pad, 'x');
        return (head + new String(pad) + tail).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void poisonPayloadsAreRoutedWithTheirReasonAndTheTasksGoOn() throws Exception {
        connect.configureConnector("mqtt-source", shipped("mqtt-source.json", Map.of(
                "mqtt.server.uris", broker.uri(),
                "topic.creation.default.replication.factor", "1")));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("mqtt-source", 2, "mqtt-source did not start");
        TimeUnit.SECONDS.sleep(2); // both shared subscriptions in place

        // What each bad message must become: the topic it lands in and the reason it carries.
        Map<String, byte[]> invalid = new LinkedHashMap<>();
        invalid.put("a bare number", "42".getBytes(StandardCharsets.UTF_8));
        invalid.put("a bare string", "\"hello\"".getBytes(StandardCharsets.UTF_8));
        invalid.put("an array", "[1,2,3]".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> malformed = new LinkedHashMap<>();
        malformed.put("null", "null".getBytes(StandardCharsets.UTF_8));
        malformed.put("empty", new byte[0]);
        malformed.put("bad UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'});
        malformed.put("just over the limit", objectOfSize(VALUE_MAX_BYTES + 1));
        malformed.put("far over the limit", objectOfSize(5 * 1024 * 1024));
        // A clock two hours ahead: a broker at Kafka's defaults refuses such a record, which killed both tasks before
        // the source bounded device times; and one stamped in the year 9999.
        malformed.put("a clock two hours ahead", ("{\"deviceId\":\"sensor-003\",\"seq\":-1,\"ts\":"
                + (System.currentTimeMillis() + 2 * 3_600_000L) + ",\"temperature\":21.5,\"humidity\":40.0,"
                + "\"pressure\":1010.0}").getBytes(StandardCharsets.UTF_8));
        malformed.put("the year 9999", ("{\"deviceId\":\"sensor-004\",\"seq\":-2,\"ts\":\"9999-12-31T23:59:59Z\","
                + "\"temperature\":21.5,\"humidity\":40.0,\"pressure\":1010.0}").getBytes(StandardCharsets.UTF_8));

        List<String> topics = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        int valid = 0;
        List<byte[]> bad = new ArrayList<>(invalid.values());
        bad.addAll(malformed.values());
        for (int i = 0; i < 40; i++) {
            String device = "sensor-" + String.format("%03d", i % 8);
            topics.add("devices/" + device + "/telemetry");
            payloads.add(reading(device, valid++, "").getBytes(StandardCharsets.UTF_8));
            if (i % 5 == 2 && !bad.isEmpty()) {
                topics.add("devices/" + device + "/telemetry");
                payloads.add(bad.remove(0));
            }
        }
        // A reading just under the limit is a reading: the default limit leaves the record room below 1 MiB.
        String bigExtra = ",\"note\":\"" + "y".repeat(VALUE_MAX_BYTES - 400) + "\"";
        topics.add("devices/sensor-001/telemetry");
        payloads.add(reading("sensor-001", valid++, bigExtra).getBytes(StandardCharsets.UTF_8));
        while (!bad.isEmpty()) {
            topics.add("devices/sensor-002/telemetry");
            payloads.add(bad.remove(0));
            topics.add("devices/sensor-002/telemetry");
            payloads.add(reading("sensor-002", valid++, "").getBytes(StandardCharsets.UTF_8));
        }
        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            publisher.publishAll(topics, payloads, 1, 10);
        }

        int validReadings = valid;
        List<ConsumerRecord<byte[], byte[]>> telemetry = TopicReader.readUntil(connect.kafka(), "telemetry",
                records -> seqs(records).size() >= validReadings, TIMEOUT);
        assertThat(seqs(telemetry)).as("every valid reading in telemetry").hasSize(validReadings);

        List<ConsumerRecord<byte[], byte[]>> quarantined = TopicReader.readUntil(connect.kafka(), "telemetry-invalid",
                records -> records.size() >= invalid.size(), TIMEOUT);
        assertThat(quarantined.stream().map(r -> header(r, "validation.errors")).collect(Collectors.toList()))
                .as("valid JSON that is not an object is an invalid reading, with the reason")
                .containsExactlyInAnyOrder("not an object: the value is Double 42", "not an object: the value is a string of 5 characters",
                        "not an object: the value is an array of 3");

        List<ConsumerRecord<byte[], byte[]>> errors = TopicReader.readUntil(connect.kafka(), "telemetry-errors",
                records -> records.size() >= malformed.size(), TIMEOUT);
        Map<Long, String> reasonBySize = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> error : errors) {
            reasonBySize.put(Long.parseLong(header(error, "mqtt.error.payload.bytes")), header(error, "mqtt.error.reason"));
            // The raw payload, through the shipped JsonConverter: a base64 JSON string.
            byte[] payload = JSON.readTree(error.value()).binaryValue();
            assertThat(payload.length).as("error records keep a bounded prefix").isLessThanOrEqualTo(64 * 1024);
            assertThat(header(error, "mqtt.error.payload.sha256")).hasSize(64);
        }
        assertThat(reasonBySize.get(4L)).isEqualTo("payload is JSON null, not a reading");
        assertThat(reasonBySize.get(0L)).startsWith("invalid JSON: empty payload");
        assertThat(reasonBySize.get(10L)).startsWith("invalid JSON");
        assertThat(reasonBySize.get((long) VALUE_MAX_BYTES + 1))
                .isEqualTo("payload of " + (VALUE_MAX_BYTES + 1) + " bytes exceeds mqtt.value.max.bytes=" + VALUE_MAX_BYTES);
        assertThat(reasonBySize.get(5L * 1024 * 1024)).startsWith("payload of 5242880 bytes exceeds");
        assertThat(reasonBySize.values()).filteredOn(reason -> reason.contains("ahead of the connector's clock, beyond "
                + "mqtt.timestamp.max.future=15m")).as("both clocks ahead, with the reason").hasSize(2);

        // Nothing is delivered again and again: a while later each topic holds exactly what was sent, once.
        TimeUnit.SECONDS.sleep(5);
        assertThat(TopicReader.readFor(connect.kafka(), "telemetry", Duration.ofSeconds(3))).hasSize(validReadings);
        assertThat(TopicReader.readFor(connect.kafka(), "telemetry-invalid", Duration.ofSeconds(2))).hasSize(invalid.size());
        assertThat(TopicReader.readFor(connect.kafka(), "telemetry-errors", Duration.ofSeconds(2))).hasSize(malformed.size());
        assertThat(connect.connectorStatus("mqtt-source").tasks()).hasSize(2).allMatch(task -> task.state().equals("RUNNING"));
        connect.deleteConnector("mqtt-source");
    }

    @Test
    void configValidateReportsWhatStartWouldRefuse() throws Exception {
        Map<String, String> source = shipped("mqtt-source.json", Map.of("mqtt.server.uris", broker.uri()));
        assertThat(errorsOf(source)).as("the shipped config validates").isEmpty();

        assertError(source, "transforms.validate.rules", "temperature: required number range(-40, hot)", "not a finite number");
        assertError(source, "transforms.validate.rules", "temperature: required number range(-40, 125", "missing its closing ')'");
        assertError(source, "transforms.validate.rules", "id: pattern('[')", "invalid regular expression");
        assertError(source, "transforms.validate.device.id.pattern", "sensor-[0-9", "not a valid regular expression");
        assertError(source, "transforms.flag.detectors", "temperature: above(warning=hot)", "not a finite number");
        assertError(source, "transforms.flag.detectors", "temperature: above(warning=35", "missing its closing ')'");
        assertError(source, "mqtt.server.uris", "tcp://127.0.0.1:99999", "a port is a number from 1 to 65535");

        Map<String, String> sink = shipped("cosmos-sink.json", Map.of("cosmos.key", "a2V5"));
        sink.put("cosmos.id.strategy", "template");
        assertError(sink, "cosmos.id.template", "${deviceId-${ts", "cosmos.id.template");
        assertError(sink, "cosmos.id.template", "${nosuchvar}", "nosuchvar");
    }

    private static void assertError(Map<String, String> base, String key, String value, String message) {
        Map<String, String> config = new HashMap<>(base);
        config.put(key, value);
        Map<String, List<String>> errors = errorsOf(config);
        assertThat(errors).as("%s=%s", key, value).containsKey(key);
        assertThat(errors.get(key)).as("%s=%s", key, value).anySatisfy(error -> assertThat(error).contains(message));
    }

    /** The errors REST config/validate returns, by key. */
    private static Map<String, List<String>> errorsOf(Map<String, String> config) {
        ConfigInfos infos = connect.validateConnectorConfig(config.get("connector.class"), config);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        return errors;
    }

    private static Set<Long> seqs(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<Long> seqs = new TreeSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            try {
                seqs.add(JSON.readTree(record.value()).get("seq").asLong());
            } catch (IOException e) {
                throw new AssertionError("not JSON in telemetry", e);
            }
        }
        return seqs;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
