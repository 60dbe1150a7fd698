package io.iotconnect.mqtt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.PluginMetricsJmx;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MQTT source on a real 2-worker Connect cluster with a real mosquitto broker: what arrives in Kafka, with which
 * keys, headers, timestamps and values; malformed payloads; shared subscriptions; MQTT 3.1.1; validation over REST.
 */
class MqttSourceConnectorIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static MosquittoBroker broker;
    private static EmbeddedConnectCluster connect;
    private static MqttTestPublisher publisher;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        broker = servers.add(MosquittoBroker.start());
        connect = servers.connect("mqtt-source-it", 2);
        publisher = servers.add(new MqttTestPublisher(broker.uri()));
    }

    private static Map<String, String> connectorProps(String name, String topics, String kafkaTopic) {
        Map<String, String> props = MqttSourceProps.of(broker.uri(), topics, kafkaTopic);
        props.put("value.converter.schemas.enable", "true");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "3");
        return props;
    }

    private static void startConnector(String name, Map<String, String> props, int tasks) throws InterruptedException {
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "connector " + name + " did not start");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    @Test
    void readingsArriveWithKeysHeadersTimestampsAndSchemas() throws Exception {
        Map<String, String> props = connectorProps("readings", "site1/+/telemetry", "site1-telemetry");
        props.put("mqtt.timestamp.field", "ts");
        startConnector("readings", props, 1);

        long ts = System.currentTimeMillis() / 1000 * 1000 - 60_000;
        publisher.publish("site1/dev-1/telemetry",
                ("{\"ts\":" + ts + ",\"temperature\":21.5,\"humidity\":40.25,\"location\":{\"lat\":52.52,\"lon\":13.4}}").getBytes(StandardCharsets.UTF_8),
                1, false, Map.of("site", "berlin"), "application/json");
        publisher.publish("site1/dev-2/telemetry", "{\"ts\":" + (ts + 1) + ",\"temperature\":19.0,\"humidity\":55.0}", 1);
        publisher.publish("site1/dev-1/telemetry", "{\"temperature\":22.0,\"humidity\":41.0}", 0);

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), "site1-telemetry", r -> r.size() >= 3, TIMEOUT);
        assertThat(records).hasSize(3);
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey = records.stream()
                .collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(byKey.keySet()).containsExactlyInAnyOrder("dev-1", "dev-2");
        assertThat(byKey.get("dev-1")).hasSize(2);
        assertThat(byKey.get("dev-1").get(0).partition()).as("one device stays on one partition").isEqualTo(byKey.get("dev-1").get(1).partition());

        ConsumerRecord<byte[], byte[]> first = records.stream().filter(r -> r.timestamp() == ts).findFirst().orElseThrow();
        assertThat(header(first, "mqtt.topic")).isEqualTo("site1/dev-1/telemetry");
        assertThat(header(first, "mqtt.qos")).isEqualTo("1");
        assertThat(header(first, "mqtt.retained")).isEqualTo("false");
        assertThat(header(first, "mqtt.duplicate")).isEqualTo("false");
        assertThat(Integer.parseInt(header(first, "mqtt.message.id"))).isPositive();
        assertThat(header(first, "mqtt.user.site")).isEqualTo("berlin");
        assertThat(header(first, "mqtt.content.type")).isEqualTo("application/json");

        JsonNode envelope = json(first.value());
        assertThat(envelope.at("/schema/type").asText()).isEqualTo("struct");
        assertThat(envelope.at("/schema/fields/1/field").asText()).isEqualTo("temperature");
        assertThat(envelope.at("/schema/fields/1/type").asText()).isEqualTo("double");
        assertThat(envelope.at("/payload/temperature").asDouble()).isEqualTo(21.5);
        assertThat(envelope.at("/payload/location/lat").asDouble()).isEqualTo(52.52);

        ConsumerRecord<byte[], byte[]> qos0 = records.stream().filter(r -> "0".equals(header(r, "mqtt.qos"))).findFirst().orElseThrow();
        assertThat(qos0.timestamp()).as("no ts field: arrival time").isBetween(System.currentTimeMillis() - 120_000, System.currentTimeMillis());

        // Plugin metrics in JMX, tagged with the connector and task.
        ObjectName metrics = pluginMetrics("readings");
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        assertThat(((Number) jmx.getAttribute(metrics, "messages-received-total")).doubleValue()).isEqualTo(3.0);
        long deadline = System.currentTimeMillis() + 10_000;
        while (((Number) jmx.getAttribute(metrics, "messages-acknowledged-total")).doubleValue() < 2.0 && System.currentTimeMillis() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(((Number) jmx.getAttribute(metrics, "messages-acknowledged-total")).doubleValue()).as("the two QoS 1 messages").isEqualTo(2.0);
        assertThat(((Number) jmx.getAttribute(metrics, "acknowledgements-pending")).longValue()).isZero();
        assertThat(((Number) jmx.getAttribute(metrics, "connected")).intValue()).isEqualTo(1);
        assertThat(((Number) jmx.getAttribute(metrics, "queue-size")).intValue()).isZero();
        assertThat(((Number) jmx.getAttribute(metrics, "reconnects-total")).doubleValue()).isZero();
        connect.deleteConnector("readings");
    }

    private static ObjectName pluginMetrics(String connector) throws Exception {
        return PluginMetricsJmx.find(connector, Map.of());
    }

    @Test
    void malformedPayloadsGoToTheErrorTopicWithReasonsAndTheTaskKeepsRunning() throws Exception {
        Map<String, String> props = connectorProps("malformed", "site2/+/telemetry", "site2-telemetry");
        props.put("mqtt.error.topic", "site2-errors");
        props.put("mqtt.value.max.bytes", "4096");
        props.put("mqtt.error.payload.max.bytes", "1024");
        props.put("mqtt.value.json.max.depth", "16");
        props.put("mqtt.timestamp.field", "ts");
        startConnector("malformed", props, 1);

        Map<String, byte[]> bad = new java.util.LinkedHashMap<>();
        bad.put("truncated", "{\"temperature\": 21.5, \"hum".getBytes(StandardCharsets.UTF_8));
        bad.put("binary", new byte[] {0x00, (byte) 0xFF, 0x13, 0x37, (byte) 0x80});
        bad.put("bad-utf8", new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'});
        bad.put("deep", ("[".repeat(40) + "]".repeat(40)).getBytes(StandardCharsets.UTF_8));
        bad.put("huge", ("{\"blob\":\"" + "x".repeat(10_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        bad.put("wrong-type", "{\"ts\":\"not a time\",\"temperature\":1.0}".getBytes(StandardCharsets.UTF_8));
        bad.put("mixed-array", "{\"samples\":[1.0,\"two\"]}".getBytes(StandardCharsets.UTF_8));
        for (Map.Entry<String, byte[]> entry : bad.entrySet()) {
            publisher.publish("site2/" + entry.getKey() + "/telemetry", entry.getValue(), 1, false, Map.of(), null);
        }
        // Shape drift within one device is not an error: each shape gets its own schema.
        publisher.publish("site2/drifter/telemetry", "{\"temperature\":21.5}", 1);
        publisher.publish("site2/drifter/telemetry", "{\"temperature\":\"n/a\"}", 1);

        List<ConsumerRecord<byte[], byte[]>> errors = TopicReader.readUntil(connect.kafka(), "site2-errors", r -> r.size() >= bad.size(), TIMEOUT);
        assertThat(errors).hasSize(bad.size());
        for (ConsumerRecord<byte[], byte[]> error : errors) {
            String device = new String(error.key(), StandardCharsets.UTF_8);
            assertThat(bad).containsKey(device);
            byte[] payload = Base64.getDecoder().decode(json(error.value()).at("/payload").asText());
            assertThat(header(error, "mqtt.error.payload.bytes")).isEqualTo(Integer.toString(bad.get(device).length));
            if (device.equals("huge")) {
                assertThat(payload).as("cut at mqtt.error.payload.max.bytes").hasSize(1024);
                assertThat(header(error, "mqtt.error.payload.truncated")).isEqualTo("true");
            } else {
                assertThat(payload).as("raw payload of %s", device).isEqualTo(bad.get(device));
            }
            assertThat(header(error, "mqtt.error.reason")).as("reason for %s", device).isNotBlank();
            assertThat(header(error, "mqtt.error.stage")).isIn("value", "timestamp");
            assertThat(header(error, "mqtt.error.connector")).isEqualTo("malformed");
            assertThat(header(error, "mqtt.topic")).isEqualTo("site2/" + device + "/telemetry");
        }
        Map<String, ConsumerRecord<byte[], byte[]>> byDevice = errors.stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
        assertThat(header(byDevice.get("truncated"), "mqtt.error.position")).contains("line 1");
        assertThat(header(byDevice.get("deep"), "mqtt.error.reason")).contains("nesting depth");
        assertThat(header(byDevice.get("wrong-type"), "mqtt.error.stage")).isEqualTo("timestamp");
        assertThat(header(byDevice.get("mixed-array"), "mqtt.error.reason")).contains("mixes element types");

        List<ConsumerRecord<byte[], byte[]>> data = TopicReader.readUntil(connect.kafka(), "site2-telemetry", r -> r.size() >= 2, TIMEOUT);
        assertThat(data).hasSize(2);
        assertThat(data).extracting(r -> json(r.value()).at("/schema/fields/0/type").asText()).containsExactly("double", "string");
        assertThat(connect.connectorStatus("malformed").tasks()).allMatch(t -> t.state().equals("RUNNING"));
        connect.deleteConnector("malformed");
    }

    /**
     * What a device decides about its own record costs that record at most: a clock hours ahead (which the broker,
     * at Kafka's default log.message.timestamp.after.max.ms of one hour, refuses with InvalidRecordException, failing
     * the task on every restart since the message is never acknowledged), a reading stamped in the year 9999, and a
     * QoS 1 message with more than a megabyte of user properties (a record, and an error record, the producer would
     * refuse). Each is routed with its reason, the readings after them arrive, and the task stays RUNNING.
     */
    @Test
    void aDeviceClockOrAFloodOfPropertiesCostsOnlyItsOwnRecord() throws Exception {
        Map<String, String> props = connectorProps("device-input", "clocks/+/telemetry", "clocks-telemetry");
        props.put("mqtt.error.topic", "clocks-errors");
        props.put("mqtt.timestamp.field", "ts");
        startConnector("device-input", props, 1);

        long now = System.currentTimeMillis();
        publisher.publish("clocks/ahead/telemetry", "{\"ts\":" + (now + 2 * 3_600_000L) + ",\"temperature\":21.5}", 1);
        publisher.publish("clocks/year9999/telemetry", "{\"ts\":\"9999-12-31T23:59:59Z\",\"temperature\":21.5}", 1);
        Map<String, String> flood = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 1000; i++) {
            flood.put("p" + i, "x".repeat(1200));
        }
        publisher.publish("clocks/flood/telemetry", "{\"temperature\":21.5}".getBytes(StandardCharsets.UTF_8), 1, false, flood, null);
        publisher.publish("clocks/good/telemetry", "{\"ts\":" + (now - 1000) + ",\"temperature\":20.0}", 1);

        List<ConsumerRecord<byte[], byte[]>> errors = TopicReader.readUntil(connect.kafka(), "clocks-errors", r -> r.size() >= 2, TIMEOUT);
        Map<String, ConsumerRecord<byte[], byte[]>> byDevice = errors.stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
        assertThat(byDevice.keySet()).containsExactlyInAnyOrder("ahead", "year9999");
        assertThat(header(byDevice.get("ahead"), "mqtt.error.stage")).isEqualTo("timestamp");
        assertThat(header(byDevice.get("ahead"), "mqtt.error.reason")).contains("ahead of the connector's clock")
                .contains("mqtt.timestamp.max.future=15m");
        assertThat(header(byDevice.get("year9999"), "mqtt.error.reason")).contains("device time 9999-12-31T23:59:59Z");

        List<ConsumerRecord<byte[], byte[]>> data = TopicReader.readUntil(connect.kafka(), "clocks-telemetry", r -> r.size() >= 2, TIMEOUT);
        Map<String, ConsumerRecord<byte[], byte[]>> readings = data.stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
        assertThat(readings.keySet()).containsExactlyInAnyOrder("flood", "good");
        ConsumerRecord<byte[], byte[]> cut = readings.get("flood");
        assertThat(header(cut, "mqtt.headers.truncated")).isEqualTo(Integer.toString(1000 - 13));
        assertThat(cut.headers().toArray()).as("13 properties of 1,200 bytes fit mqtt.headers.max.bytes=16384")
                .filteredOn(h -> h.key().startsWith("mqtt.user.")).hasSize(13);
        assertThat(readings.get("good").timestamp()).isEqualTo(now - 1000);
        assertThat(connect.connectorStatus("device-input").tasks()).allMatch(t -> t.state().equals("RUNNING"));
        connect.deleteConnector("device-input");
    }

    @Test
    void strictModeFailsTheTaskWithTheReason() throws Exception {
        Map<String, String> props = connectorProps("strict", "site3/+/telemetry", "site3-telemetry");
        props.put("mqtt.error.handling", "fail");
        startConnector("strict", props, 1);
        publisher.publish("site3/dev/telemetry", "{\"broken\": ", 1);
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("strict", 1, "task should fail on a malformed payload");
        ConnectorStateInfo.TaskState task = connect.connectorStatus("strict").tasks().get(0);
        assertThat(task.trace()).contains("invalid JSON").contains("site3/dev/telemetry").contains("mqtt.error.handling=fail");
        connect.deleteConnector("strict");
    }

    @Test
    void sharedSubscriptionOverTwoTasksDeliversEachMessageOnce() throws Exception {
        connect.kafka().createTopic("site4-telemetry", 4);
        Map<String, String> props = connectorProps("shared", "site4/+/telemetry", "site4-telemetry");
        props.put("tasks.max", "2");
        props.put("mqtt.shared.subscription.group", "site4-ingest");
        startConnector("shared", props, 2);
        // Give both tasks time to subscribe before publishing, so the broker spreads the load over both.
        TimeUnit.SECONDS.sleep(2);

        int count = 2000;
        List<String> topics = new ArrayList<>(count);
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            topics.add("site4/dev-" + (i % 20) + "/telemetry");
            payloads.add(("{\"id\":" + i + ",\"temperature\":20.0}").getBytes(StandardCharsets.UTF_8));
        }
        publisher.publishAll(topics, payloads, 1, 100);

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), "site4-telemetry", r -> r.size() >= count, TIMEOUT);
        // Wait a little longer: anything delivered twice would show up now.
        records = TopicReader.readFor(connect.kafka(), "site4-telemetry", Duration.ofSeconds(3));
        Map<Long, Long> perId = records.stream()
                .collect(Collectors.groupingBy(r -> json(r.value()).at("/payload/id").asLong(), Collectors.counting()));
        assertThat(perId).hasSize(count);
        assertThat(perId.values()).as("each message once").allMatch(n -> n == 1);
        Set<String> taskStates = connect.connectorStatus("shared").tasks().stream().map(ConnectorStateInfo.TaskState::state).collect(Collectors.toSet());
        assertThat(taskStates).containsExactly("RUNNING");
        connect.deleteConnector("shared");
    }

    @Test
    void mqtt311ClientDelivers() throws Exception {
        Map<String, String> props = connectorProps("v311", "site5/#", "site5-telemetry");
        props.put("mqtt.version", "3.1.1");
        props.put("mqtt.qos", "2");
        props.put("mqtt.value.format", "string");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        startConnector("v311", props, 1);
        publisher.publish("site5/dev-a/state", "on", 1);
        publisher.publish("site5/dev-b/state", "off", 2);
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), "site5-telemetry", r -> r.size() >= 2, TIMEOUT);
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("on", "off");
        // mqtt.qos=2 subscribes at QoS 1 (the QoS that survives a worker crash): the broker delivers both at QoS 1.
        assertThat(records).extracting(r -> header(r, "mqtt.qos")).containsExactlyInAnyOrder("1", "1");
        connect.deleteConnector("v311");
    }

    @Test
    void restValidationNamesKeyAndFix() {
        Map<String, String> props = connectorProps("invalid", "a/#,a/b", "t");
        props.put("mqtt.server.uris", broker.uri());
        props.put("mqtt.qos", "1");
        ConfigInfos infos = connect.validateConnectorConfig(MqttSourceConnector.class.getSimpleName(), props);
        assertThat(errorsOf(infos, "mqtt.topics")).anySatisfy(m -> assertThat(m).contains("overlap"));

        props.put("mqtt.topics", "$share/g/a/#");
        props.put("mqtt.qos", "0");
        props.put("mqtt.server.uris", "mqtt://nowhere");
        infos = connect.validateConnectorConfig(MqttSourceConnector.class.getSimpleName(), props);
        assertThat(errorsOf(infos, "mqtt.server.uris")).anySatisfy(m -> assertThat(m).contains("tcp://"));

        props.put("mqtt.server.uris", broker.uri());
        infos = connect.validateConnectorConfig(MqttSourceConnector.class.getSimpleName(), props);
        assertThat(errorsOf(infos, "mqtt.qos")).anySatisfy(m -> assertThat(m).contains("QoS 0 with a shared subscription"));
    }

    private static List<String> errorsOf(ConfigInfos infos, String key) {
        return infos.configs().stream().map(ConfigInfo::configValue).filter(v -> v.name().equals(key))
                .flatMap(v -> v.errors().stream()).collect(Collectors.toList());
    }
}
