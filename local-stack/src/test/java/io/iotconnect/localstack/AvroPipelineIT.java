package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.PartitionKey;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.iotconnect.avro.RetryingAvroConverter;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.CosmosDbServer;
import io.iotconnect.testing.EventHubsEndpoint;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.SchemaRegistryServer;
import io.iotconnect.testing.SchemaRegistryServer.Compatibility;
import io.iotconnect.testing.TopicReader;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pipeline in Avro through a real schema registry: MQTT devices -> the MQTT source as connect-config ships it
 * (validation and anomaly transforms, the invalid-reading route) with one schema per topic, Kafka's
 * TimestampConverter making the reading's time a Timestamp -> Apicurio's AvroConverter in Confluent's wire format (as
 * apply.mjs --avro sets it: RetryingAvroConverter, which its two tasks need when both register a version at once),
 * the registry at BACKWARD -> the Cosmos DB sink as shipped, reading Avro. A thousand devices whose payloads drift
 * (fields that come with newer firmware, integers where fractions were, keys Avro refuses); a plain KafkaConsumer with
 * Apicurio's deserializer reads the topic as a data engineer's job would; a schema the registry refuses, and a record
 * whose schema the registry does not have, cost a record each, never a task.
 */
class AvroPipelineIT {

    private static final Logger log = LoggerFactory.getLogger(AvroPipelineIT.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final int DEVICES = 1000;
    private static final int SECOND_READINGS = 100;
    private static final int INVALID = 10;

    private static Path repository;
    private static MosquittoBroker broker;
    private static SchemaRegistryServer registry;
    private static CosmosDbServer cosmos;
    private static EventHubsEndpoint iotHub;
    private static EmbeddedConnectCluster connect;
    private static MqttTestPublisher publisher;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void start() {
        repository = Path.of("..").toAbsolutePath().normalize();
        broker = servers.add(MosquittoBroker.start());
        registry = servers.add(SchemaRegistryServer.start());
        cosmos = servers.add(CosmosDbServer.start());
        iotHub = servers.add(EventHubsEndpoint.start());
        connect = servers.connect("avro-pipeline-it", 1);
        publisher = servers.add(new MqttTestPublisher(broker.uri()));
        registry.compatibility(Compatibility.BACKWARD);
    }

    /** Apicurio's converter keys, as connect-config/apply.mjs --avro sets them, without the value.converter. prefix. */
    private static Map<String, String> converterKeys() {
        return registry.confluentWireFormat();
    }

    /** A connector's config as committed in connect-config/, in Avro, with {@code overrides} applied. */
    private static Map<String, String> shippedInAvro(String file, Map<String, String> overrides) throws IOException {
        JsonNode config = JSON.readTree(repository.resolve("connect-config").resolve(file).toFile()).get("config");
        Map<String, String> props = new HashMap<>();
        config.fields().forEachRemaining(entry -> props.put(entry.getKey(), entry.getValue().asText()));
        props.put("value.converter", RetryingAvroConverter.class.getName());
        props.remove("value.converter.schemas.enable");
        converterKeys().forEach((key, value) -> props.put("value.converter." + key, value));
        props.putAll(overrides);
        return props;
    }

    private static Map<String, String> mqttSourceInAvro(String kafkaTopic, Map<String, String> overrides) throws IOException {
        Map<String, String> props = new HashMap<>(Map.of(
                "mqtt.server.uris", broker.uri(),
                "mqtt.kafka.topic", kafkaTopic,
                "mqtt.value.json.field.names", "avro",
                "mqtt.value.json.schema.name", "io.iotconnect.${topic}",
                "mqtt.value.json.schema.scope", "topic",
                "topic.creation.default.replication.factor", "1",
                "topic.creation.default.partitions", "2"));
        // The fields the anomaly transforms add, and the reading's time as a Timestamp (an Avro timestamp-millis).
        props.put("transforms.validate.tag.field", "validation_errors");
        props.put("transforms.flag.output.field", "anomaly");
        props.put("transforms", "validate,flag,time,quarantine");
        props.put("transforms.time.type", "org.apache.kafka.connect.transforms.TimestampConverter$Value");
        props.put("transforms.time.field", "ts");
        props.put("transforms.time.format", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        props.put("transforms.time.target.type", "Timestamp");
        // Kafka's TimestampConverter needs a struct: the error topic's records (the raw payload as bytes) skip it.
        props.put("transforms.time.predicate", "isError");
        props.put("transforms.time.negate", "true");
        props.put("predicates", "isInvalid,isError");
        props.put("predicates.isError.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        props.put("predicates.isError.pattern", "telemetry-errors");
        props.putAll(overrides);
        return shippedInAvro("mqtt-source.json", props);
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString().replace("Z", "").concat(millis % 1000 == 0 ? ".000Z" : "Z");
    }

    /**
     * A reading of firmware generation {@code device % 4}: 0 has the base fields, 1 adds battery, 2 adds rssi (an
     * integer), 3 adds a location object and fw-version, a key Avro refuses. Temperatures are sometimes integers.
     */
    private static String reading(int device, long time, double humidity) {
        StringBuilder json = new StringBuilder("{\"deviceId\":\"").append(deviceId(device)).append("\",\"ts\":\"")
                .append(iso(time)).append("\",\"temperature\":").append(device % 3 == 0 ? "21" : "21.5")
                .append(",\"humidity\":").append(humidity).append(",\"pressure\":1012.5");
        int generation = device % 4;
        if (generation >= 1) {
            json.append(",\"battery\":").append(80 + device % 20);
        }
        if (generation >= 2) {
            json.append(",\"rssi\":").append(-60 - device % 30);
        }
        if (generation >= 3) {
            json.append(",\"location\":{\"lat\":52.52,\"lon\":13.40},\"fw-version\":\"3.1.").append(device % 7).append('"');
        }
        return json.append('}').toString();
    }

    private static String deviceId(int device) {
        return String.format("sensor-%03d", device % 1000);
    }

    /** Reads {@code topic} with a plain KafkaConsumer and Apicurio's deserializer, keeping each key's newest value. */
    private static int readWithAPlainConsumer(String topic, int expected, Map<String, GenericRecord> newestByKey) {
        Map<String, Object> consumerProps = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "data-engineer-" + topic,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroKafkaDeserializer.class.getName()));
        consumerProps.putAll(converterKeys());
        int read = 0;
        try (KafkaConsumer<String, GenericRecord> consumer = new KafkaConsumer<>(consumerProps)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (read < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, GenericRecord> record : consumer.poll(Duration.ofSeconds(1))) {
                    read++;
                    GenericRecord value = record.value();
                    assertThat(value.get("deviceId").toString()).isEqualTo(record.key());
                    newestByKey.put(record.key(), value);
                }
            }
        }
        return read;
    }

    @Test
    void aThousandDriftingDevicesReachCosmosDbInAvroWithAHandfulOfVersionsAndAPlainConsumerReadsThem() throws Exception {
        connect.configureConnector("mqtt-source", mqttSourceInAvro("telemetry", Map.of()));
        connect.configureConnector("cosmos-sink", shippedInAvro("cosmos-sink.json", Map.of(
                "topics", "telemetry",
                "cosmos.containers.topic.map", "telemetry#readings",
                "cosmos.endpoint", cosmos.endpoint(),
                "cosmos.key", CosmosDbServer.KEY,
                "errors.deadletterqueue.topic.replication.factor", "1")));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("mqtt-source", 2, "mqtt-source did not start");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("cosmos-sink", 2, "cosmos-sink did not start");
        TimeUnit.SECONDS.sleep(2); // both shared subscriptions in place

        long base = System.currentTimeMillis() / 1000 * 1000 - 60_000;
        List<String> topics = new ArrayList<>();
        List<byte[]> payloads = new ArrayList<>();
        Map<String, Long> timeByDevice = new HashMap<>();
        for (int i = 0; i < DEVICES + SECOND_READINGS; i++) {
            int device = i % DEVICES;
            long time = base + i * 7L;
            topics.add("devices/" + deviceId(device) + "/telemetry");
            payloads.add(reading(device, time, 40.0 + i % 10).getBytes(StandardCharsets.UTF_8));
            timeByDevice.put(deviceId(device), time);
        }
        for (int i = 0; i < INVALID; i++) {
            // Humidity beyond its range: tagged by ValidateReading and routed to telemetry-invalid.
            topics.add("devices/" + deviceId(i) + "/telemetry");
            payloads.add(reading(i, base, 150.0).getBytes(StandardCharsets.UTF_8));
        }
        publisher.publishAll(topics, payloads, 1, 200);
        // Humidity as a string where the topic's schema has a number: the error topic, with both types.
        publisher.publish("devices/sensor-001/telemetry", "{\"deviceId\":\"sensor-001\",\"ts\":\"" + iso(base)
                + "\",\"temperature\":21.5,\"humidity\":\"wet\",\"pressure\":1012.5}", 1);

        int valid = DEVICES + SECOND_READINGS;
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), "telemetry", r -> r.size() >= valid, TIMEOUT);
        assertThat(records).hasSize(valid);
        assertThat(TopicReader.readUntil(connect.kafka(), "telemetry-invalid", r -> r.size() >= INVALID, TIMEOUT)).hasSize(INVALID);
        List<ConsumerRecord<byte[], byte[]>> errors = TopicReader.readUntil(connect.kafka(), "telemetry-errors", r -> !r.isEmpty(), TIMEOUT);
        assertThat(errors).hasSize(1);
        Header reason = errors.get(0).headers().lastHeader("mqtt.error.reason");
        assertThat(new String(reason.value(), StandardCharsets.UTF_8))
                .contains("$.humidity is a number in the topic's schema, and this payload has a string there");

        // The wire format: Confluent's magic byte and a 4-byte id the registry serves.
        Set<Integer> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(record.value()[0]).isZero();
            ids.add(ByteBuffer.wrap(record.value(), 1, 4).getInt());
        }
        List<Integer> versions = registry.versions("telemetry-value");
        log.info("1,100 readings of 1,000 devices on 2 tasks: schema ids {}, versions of telemetry-value {}, subjects {}",
                ids, versions, registry.subjects());
        assertThat(versions).as("a handful: a version when a task first sees a field, never per device or shape").hasSizeLessThanOrEqualTo(8);
        assertThat(ids).hasSizeLessThanOrEqualTo(versions.size());

        // A data engineer's consumer: no Connect, Apicurio's deserializer in Confluent compatibility.
        Map<String, GenericRecord> newestByDevice = new HashMap<>();
        int read = readWithAPlainConsumer("telemetry", valid, newestByDevice);
        assertThat(read).isEqualTo(valid);
        assertThat(newestByDevice).hasSize(DEVICES);
        // sensor-111 sent one reading, of the newest firmware, with an integer temperature.
        GenericRecord newest = newestByDevice.get("sensor-111");
        org.apache.avro.Schema schema = newest.getSchema();
        assertThat(schema.getFullName()).isEqualTo("io.iotconnect.telemetry");
        assertThat(schema.getField("ts").schema().getTypes()).anySatisfy(type ->
                assertThat(type.getLogicalType()).isInstanceOf(LogicalTypes.TimestampMillis.class));
        assertThat(newest.get("ts")).isEqualTo(timeByDevice.get("sensor-111"));
        assertThat(newest.get("temperature")).as("an integer in float64 mode").isEqualTo(21.0);
        assertThat(newest.get("rssi")).isEqualTo(-81.0);
        assertThat(((GenericRecord) newest.get("location")).get("lat")).isEqualTo(52.52);
        assertThat(newest.get("fw_version").toString()).isEqualTo("3.1.6");
        assertThat(schema.getField("fw_version").doc()).isEqualTo("JSON name: fw-version");
        assertThat(newest.get("validation_errors")).isNull();
        assertThat(((GenericRecord) newest.get("anomaly")).get("flagged")).isEqualTo(false);
        GenericRecord first = newestByDevice.get("sensor-000");
        assertThat(first.getSchema().getField("battery") == null || first.get("battery") == null).isTrue();

        // Cosmos DB: every reading, its types and its time as written in Avro.
        try (CosmosCounts counts = new CosmosCounts(cosmos.endpoint(), CosmosDbServer.KEY, "iot",
                newestByDevice.keySet().stream().sorted().toList())) {
            long documents = 0;
            for (long deadline = System.nanoTime() + TIMEOUT.toNanos(); documents < valid && System.nanoTime() < deadline; ) {
                TimeUnit.SECONDS.sleep(2);
                documents = counts.documents("readings");
            }
            assertThat(documents).isEqualTo(valid);
        }
        CosmosAsyncClient client = servers.add(new CosmosClientBuilder().endpoint(cosmos.endpoint()).key(CosmosDbServer.KEY)
                .gatewayMode().buildAsyncClient());
        List<ObjectNode> documents = client.getDatabase("iot").getContainer("readings")
                .readAllItems(new PartitionKey("sensor-111"), ObjectNode.class).collectList().block();
        assertThat(documents).hasSize(1);
        ObjectNode document = documents.get(0);
        log.info("Cosmos DB document of sensor-111: {}", document);
        assertThat(document.path("ts").asText()).isEqualTo(Instant.ofEpochMilli(timeByDevice.get("sensor-111")).toString());
        assertThat(document.path("temperature").isNumber()).isTrue();
        assertThat(document.path("location").path("lon").asDouble()).isEqualTo(13.40);
        assertThat(document.path("anomaly").path("flagged").asBoolean()).isFalse();
        assertThat(document.path("fw-version").asText()).as("the device's own key, back from the schema").isEqualTo("3.1.6");
        assertThat(document.has("fw_version")).isFalse();

        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("mqtt-source", 2, "the source's tasks survived");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("cosmos-sink", 2, "the sink's tasks survived");

        // A record whose schema the registry does not have (another environment's id): the sink's dead letter
        // queue, with the registry's answer in Connect's error headers; the task goes on.
        byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).putInt(0).array();
        connect.kafka().produce("telemetry", "sensor-999", new String(unknownId, StandardCharsets.ISO_8859_1));
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readUntil(connect.kafka(), "cosmos-dlq", r -> !r.isEmpty(), TIMEOUT);
        assertThat(dead).hasSize(1);
        String trace = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.stacktrace").value(), StandardCharsets.UTF_8);
        log.info("dead letter for schema id 987654: {}", trace.lines().limit(3).toList());
        assertThat(trace).contains("No content with id/hash 'contentId-987654' was found");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("cosmos-sink", 2, "the sink's tasks survived an unknown id");
        connect.deleteConnector("mqtt-source");
        connect.deleteConnector("cosmos-sink");
    }

    @Test
    void iotHubEventsOfTwoTasksArriveInAvroWithAHandfulOfVersions() throws Exception {
        int devices = 200;
        iotHub.createHub("avro-hub", 4);
        Map<String, String> props = new HashMap<>(Map.of(
                "iothub.connection.string", iotHub.connectionString("avro-hub"),
                "iothub.topic", "hub-telemetry",
                "iothub.error.topic", "hub-errors",
                "iothub.value.json.field.names", "avro",
                "iothub.value.json.schema.name", "io.iotconnect.${topic}",
                "iothub.value.json.schema.scope", "topic",
                "topic.creation.default.replication.factor", "1",
                "topic.creation.default.partitions", "2"));
        connect.configureConnector("iothub-source", shippedInAvro("iothub-source.json", props));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("iothub-source", 2, "iothub-source did not start");

        long base = System.currentTimeMillis() / 1000 * 1000 - 60_000;
        for (int round = 0; round < 2; round++) {
            for (int device = 0; device < devices; device++) {
                String id = "hub-" + deviceId(device);
                String body = reading(device, base + round * 1000L + device, 40.0).replace("\"" + deviceId(device) + "\"", "\"" + id + "\"");
                iotHub.publishToDevicePartition("avro-hub", id, EventHubsEndpoint.Event.telemetry(id, body));
            }
        }
        // After hub-sensor-001's readings, in its partition: humidity as a string where the schema has a number.
        iotHub.publishToDevicePartition("avro-hub", "hub-sensor-001", EventHubsEndpoint.Event.telemetry("hub-sensor-001",
                "{\"deviceId\":\"hub-sensor-001\",\"ts\":\"" + iso(base) + "\",\"temperature\":21.5,\"humidity\":\"wet\","
                        + "\"pressure\":1012.5}"));

        Map<String, GenericRecord> newestByDevice = new HashMap<>();
        assertThat(readWithAPlainConsumer("hub-telemetry", 2 * devices, newestByDevice)).isEqualTo(2 * devices);
        assertThat(newestByDevice).hasSize(devices);
        List<Integer> versions = registry.versions("hub-telemetry-value");
        log.info("400 IoT Hub events of 200 devices on 2 tasks: versions of hub-telemetry-value {}", versions);
        assertThat(versions).hasSizeLessThanOrEqualTo(8);
        GenericRecord newest = newestByDevice.get("hub-sensor-111");
        assertThat(newest.getSchema().getFullName()).isEqualTo("io.iotconnect.hub_telemetry");
        assertThat(newest.get("fw_version").toString()).isEqualTo("3.1.6");
        assertThat(((GenericRecord) newest.get("location")).get("lon")).isEqualTo(13.40);

        List<ConsumerRecord<byte[], byte[]>> errors = TopicReader.readUntil(connect.kafka(), "hub-errors", r -> !r.isEmpty(), TIMEOUT);
        assertThat(errors).hasSize(1);
        assertThat(new String(errors.get(0).headers().lastHeader("iothub.error.reason").value(), StandardCharsets.UTF_8))
                .contains("$.humidity is a number in the topic's schema, and this payload has a string there");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("iothub-source", 2, "the IoT Hub tasks survived");
        connect.deleteConnector("iothub-source");
    }

    @Test
    void aSchemaTheRegistryRefusesCostsTheRecordNotTheTask() throws Exception {
        // Another producer holds the subject with temperature as a string: BACKWARD refuses ours (a double).
        String theirs = "{\"type\":\"record\",\"name\":\"telemetry_refused\",\"namespace\":\"io.iotconnect\",\"fields\":["
                + "{\"name\":\"temperature\",\"type\":\"string\"}]}";
        assertThat(registry.register("telemetry_refused-value", theirs).status()).isEqualTo(200);
        connect.configureConnector("refused", mqttSourceInAvro("telemetry_refused", Map.of(
                "name", "refused",
                "tasks.max", "1",
                "mqtt.topics", "refused/+/telemetry",
                "mqtt.shared.subscription.group", "",
                "errors.tolerance", "all",
                "errors.log.enable", "true",
                "errors.log.include.messages", "true")));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("refused", 1, "refused did not start");
        TimeUnit.SECONDS.sleep(1);
        for (int i = 0; i < 5; i++) {
            publisher.publish("refused/" + deviceId(i) + "/telemetry", reading(i, System.currentTimeMillis(), 40.0), 1);
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName errorMetrics = new ObjectName("kafka.connect:type=task-error-metrics,connector=refused,task=0");
        long skipped = 0;
        for (long deadline = System.nanoTime() + TIMEOUT.toNanos(); skipped < 5 && System.nanoTime() < deadline; ) {
            TimeUnit.MILLISECONDS.sleep(500);
            skipped = jmx.isRegistered(errorMetrics) ? ((Number) jmx.getAttribute(errorMetrics, "total-records-skipped")).longValue() : 0;
        }
        assertThat(skipped).as("records the converter could not register, skipped").isEqualTo(5);
        assertThat(registry.versions("telemetry_refused-value")).as("nothing of ours registered").containsExactly(1);
        assertThat(TopicReader.readFor(connect.kafka(), "telemetry_refused", Duration.ofSeconds(3))).isEmpty();
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("refused", 1, "the task survived the refusals");
        connect.deleteConnector("refused");
    }
}
