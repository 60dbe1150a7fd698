package io.iotconnect.anomaly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.mqtt.MqttSourceConnector;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.PluginMetricsJmx;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.file.FileStreamSinkConnector;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The anomaly SMTs on a real Connect cluster: MQTT source -> ValidateReading -> FlagAnomaly -> predicate routing with
 * Kafka's own RegexRouter and Filter, and a sink chain where invalid readings reach the dead letter queue.
 */
class AnomalyPipelineIT {

    private static final Logger log = LoggerFactory.getLogger(AnomalyPipelineIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private static final String RULES = "temperature: required number range(-40, 125); humidity: required number range(0, 100); "
            + "seq: required integer";
    private static final String DETECTORS = "temperature: above(warning=35, critical=80) below(warning=0, critical=-20); "
            + "humidity: above(warning=95)";

    private static MosquittoBroker broker;
    private static EmbeddedConnectCluster connect;
    private static MqttTestPublisher publisher;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        broker = servers.add(MosquittoBroker.start());
        connect = servers.connect("anomaly-it", 2);
        publisher = servers.add(new MqttTestPublisher(broker.uri()));
    }

    /** An MQTT source on plant/+/telemetry with the two transforms, ready for a routing tail. */
    private static Map<String, String> mqttSource(String kafkaTopic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", MqttSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("mqtt.server.uris", broker.uri());
        props.put("mqtt.topics", "plant/+/telemetry");
        props.put("mqtt.qos", "1");
        props.put("mqtt.kafka.topic", kafkaTopic);
        props.put("mqtt.key.topic.level", "2");
        props.put("mqtt.value.format", "json");
        props.put("mqtt.timestamp.field", "ts");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "3");
        props.put("transforms.validate.type", ValidateReading.Value.class.getName());
        props.put("transforms.validate.rules", RULES);
        props.put("transforms.flag.type", FlagAnomaly.Value.class.getName());
        props.put("transforms.flag.detectors", DETECTORS);
        props.put("predicates", "isAnomaly,isInvalid");
        props.put("predicates.isAnomaly.type", IsAnomaly.class.getName());
        props.put("predicates.isInvalid.type", IsInvalid.class.getName());
        return props;
    }

    /** What the simulated devices sent, by kind, identified by the payload's seq. */
    private record Published(Set<Long> normal, Set<Long> anomalies, Set<Long> invalid, int malformed) {
        Set<Long> valid() {
            Set<Long> valid = new HashSet<>(normal);
            valid.addAll(anomalies);
            return valid;
        }
    }

    private static Published publishReadings(int devices, int perDevice, long seed) {
        Random random = new Random(seed);
        Set<Long> normal = new HashSet<>();
        Set<Long> anomalies = new HashSet<>();
        Set<Long> invalid = new HashSet<>();
        int malformed = 0;
        List<String> topics = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        long seq = 0;
        long ts = System.currentTimeMillis() - 60_000;
        for (int i = 0; i < perDevice; i++) {
            for (int d = 0; d < devices; d++) {
                seq++;
                double temperature = 18 + random.nextDouble() * 8;
                double humidity = 30 + random.nextDouble() * 40;
                double roll = random.nextDouble();
                String payload;
                if (roll < 0.03) {
                    temperature = random.nextBoolean() ? 80.5 + random.nextDouble() * 30 : -20.5 - random.nextDouble() * 15;
                    anomalies.add(seq);
                } else if (roll < 0.05) {
                    humidity = 100.5 + random.nextDouble() * 50;
                    invalid.add(seq);
                } else if (roll < 0.06) {
                    malformed++;
                    payloads.add(("{\"seq\":" + seq + ",\"temperature\":21.").getBytes(StandardCharsets.UTF_8));
                    topics.add("plant/dev-" + d + "/telemetry");
                    continue;
                } else {
                    normal.add(seq);
                }
                payload = String.format(java.util.Locale.ROOT, "{\"seq\":%d,\"ts\":%d,\"temperature\":%.2f,\"humidity\":%.2f}",
                        seq, ts + i * 1000L, temperature, humidity);
                topics.add("plant/dev-" + d + "/telemetry");
                payloads.add(payload.getBytes(StandardCharsets.UTF_8));
            }
        }
        publisher.publishAll(topics, payloads, 1, 100);
        return new Published(normal, anomalies, invalid, malformed);
    }

    private static Set<Long> seqs(List<ConsumerRecord<byte[], byte[]>> records) {
        Set<Long> seqs = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            seqs.add(json(record.value()).get("seq").asLong());
        }
        return seqs;
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDistinct(String topic, int expected) {
        return TopicReader.readUntil(connect.kafka(), topic, records -> seqs(records).size() >= expected, TIMEOUT);
    }

    @Test
    void anomaliesAreRoutedToAlertsNextToTheFullStreamAndInvalidReadingsToQuarantine() throws Exception {
        // The full stream: every valid reading (anomalies included, flagged in headers) in 'readings', invalid ones
        // routed to 'readings-invalid' by IsInvalid + RegexRouter.
        Map<String, String> full = mqttSource("readings");
        full.put("transforms", "validate,flag,quarantine");
        full.put("transforms.validate.on.invalid", "tag");
        full.put("transforms.quarantine.type", "org.apache.kafka.connect.transforms.RegexRouter");
        full.put("transforms.quarantine.regex", ".*");
        full.put("transforms.quarantine.replacement", "readings-invalid");
        full.put("transforms.quarantine.predicate", "isInvalid");
        full.put("mqtt.error.topic", "readings-malformed");
        connect.configureConnector("readings", full);

        // Alerts: a second subscription to the same devices keeps only anomalies (Filter with IsAnomaly negated) and
        // renames their topic to 'alerts'.
        Map<String, String> alerts = mqttSource("alerts-unused");
        alerts.put("transforms", "validate,flag,onlyAnomalies,toAlerts");
        alerts.put("transforms.validate.on.invalid", "drop");
        alerts.put("transforms.onlyAnomalies.type", "org.apache.kafka.connect.transforms.Filter");
        alerts.put("transforms.onlyAnomalies.predicate", "isAnomaly");
        alerts.put("transforms.onlyAnomalies.negate", "true");
        alerts.put("transforms.toAlerts.type", "org.apache.kafka.connect.transforms.RegexRouter");
        alerts.put("transforms.toAlerts.regex", ".*");
        alerts.put("transforms.toAlerts.replacement", "alerts");
        alerts.put("mqtt.error.topic", "alerts-malformed");
        connect.configureConnector("alerts", alerts);

        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("readings", 1, "readings did not start");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("alerts", 1, "alerts did not start");
        TimeUnit.SECONDS.sleep(2); // both subscriptions in place before the devices publish

        Published sent = publishReadings(20, 100, 1);
        log.info("published {} normal, {} anomalous, {} invalid, {} malformed readings", sent.normal().size(),
                sent.anomalies().size(), sent.invalid().size(), sent.malformed());
        assertThat(sent.anomalies()).isNotEmpty();
        assertThat(sent.invalid()).isNotEmpty();

        List<ConsumerRecord<byte[], byte[]>> readings = readDistinct("readings", sent.valid().size());
        assertThat(seqs(readings)).as("every valid reading, anomalies included, in the full stream").isEqualTo(sent.valid());
        for (ConsumerRecord<byte[], byte[]> record : readings) {
            long seq = json(record.value()).get("seq").asLong();
            assertThat(header(record, AnomalyHeaders.ANOMALY)).as("seq %d", seq).isEqualTo(String.valueOf(sent.anomalies().contains(seq)));
            assertThat(header(record, AnomalyHeaders.VALIDATION_ERRORS)).isNull();
        }

        List<ConsumerRecord<byte[], byte[]>> alerted = readDistinct("alerts", sent.anomalies().size());
        assertThat(seqs(alerted)).as("every injected anomaly, and nothing else, in alerts").isEqualTo(sent.anomalies());
        ConsumerRecord<byte[], byte[]> alert = alerted.get(0);
        assertThat(header(alert, AnomalyHeaders.SEVERITY)).isEqualTo("critical");
        assertThat(header(alert, AnomalyHeaders.REASONS)).matches("temperature=-?[0-9.]+ (above critical 80|below critical -20)");
        assertThat(new String(alert.key(), StandardCharsets.UTF_8)).startsWith("dev-");
        assertThat(header(alert, "mqtt.topic")).startsWith("plant/dev-");

        List<ConsumerRecord<byte[], byte[]>> quarantined = readDistinct("readings-invalid", sent.invalid().size());
        assertThat(seqs(quarantined)).as("every invalid reading in quarantine").isEqualTo(sent.invalid());
        assertThat(header(quarantined.get(0), AnomalyHeaders.VALIDATION_ERRORS)).matches("humidity=[0-9.]+ above max 100");

        List<ConsumerRecord<byte[], byte[]>> malformed = TopicReader.readUntil(connect.kafka(), "readings-malformed",
                records -> records.size() >= sent.malformed(), TIMEOUT);
        assertThat(malformed).as("malformed payloads reach the source's error topic").hasSizeGreaterThanOrEqualTo(sent.malformed());

        assertThat(TopicReader.readFor(connect.kafka(), "alerts", Duration.ofSeconds(3)).stream().map(r -> json(r.value()).get("seq").asLong())
                .allMatch(sent.anomalies()::contains)).as("no late non-anomalies in alerts").isTrue();

        var flagMetrics = PluginMetricsJmx.find("alerts", Map.of("transformation", "flag"));
        assertThat(PluginMetricsJmx.value(flagMetrics, "records-flagged-total")).isGreaterThanOrEqualTo(sent.anomalies().size());
        // Thresholds only, but episodes keep a few doubles per device: every device that sent a valid reading.
        assertThat(PluginMetricsJmx.value(flagMetrics, "devices-tracked")).isPositive().isLessThanOrEqualTo(20.0);
        var validateMetrics = PluginMetricsJmx.find("alerts", Map.of("transformation", "validate"));
        assertThat(PluginMetricsJmx.value(validateMetrics, "records-dropped-total")).isGreaterThanOrEqualTo(sent.invalid().size());

        connect.deleteConnector("readings");
        connect.deleteConnector("alerts");
    }

    @Test
    void invalidReadingsReachTheSinkDeadLetterQueueWithConnectErrorHeaders(@TempDir Path dir) throws Exception {
        connect.kafka().createTopic("sink-readings", 2);
        Path file = dir.resolve("readings.txt");
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", FileStreamSinkConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("topics", "sink-readings");
        props.put("file", file.toString());
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("transforms", "validate,flag");
        props.put("transforms.validate.type", ValidateReading.Value.class.getName());
        props.put("transforms.validate.rules", RULES);
        props.put("transforms.validate.on.invalid", "fail");
        props.put("transforms.flag.type", FlagAnomaly.Value.class.getName());
        props.put("transforms.flag.detectors", "temperature: zscore(warmup=10) flatline(3)");
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", "readings-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configureConnector("file-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("file-sink", 2, "file sink did not start");

        int valid = 0;
        int invalid = 0;
        for (int i = 0; i < 500; i++) {
            String device = "dev-" + (i % 10);
            boolean bad = i % 25 == 7;
            String value = bad ? "{\"seq\":" + i + ",\"temperature\":21.0,\"humidity\":180.5}"
                    : "{\"seq\":" + i + ",\"temperature\":" + (20 + (i % 7) * 0.1) + ",\"humidity\":50.0}";
            connect.kafka().produce("sink-readings", device, value);
            if (bad) {
                invalid++;
            } else {
                valid++;
            }
        }

        int expectedValid = valid;
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readUntil(connect.kafka(), "readings-dlq", r -> r.size() >= 20, TIMEOUT);
        assertThat(dead).hasSize(invalid);
        ConsumerRecord<byte[], byte[]> first = dead.get(0);
        assertThat(header(first, "__connect.errors.exception.class.name")).isEqualTo("org.apache.kafka.connect.errors.DataException");
        assertThat(header(first, "__connect.errors.exception.message"))
                .matches("Reading in topic 'sink-readings' partition [01] offset [0-9]+ key 'dev-[0-9]' failed validation: humidity=180.5 above max 100");
        assertThat(header(first, "__connect.errors.stage")).isEqualTo("TRANSFORMATION");
        assertThat(header(first, "__connect.errors.class.name")).isEqualTo(ValidateReading.Value.class.getName());
        assertThat(header(first, "__connect.errors.topic")).isEqualTo("sink-readings");

        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (lines(file) < expectedValid && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        assertThat(lines(file)).as("every valid reading written by the sink").isEqualTo(expectedValid);
        assertThat(connect.connectorStatus("file-sink").tasks()).allMatch(task -> task.state().equals("RUNNING"));
        connect.deleteConnector("file-sink");
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(line -> !line.isBlank()).count();
        }
    }
}
