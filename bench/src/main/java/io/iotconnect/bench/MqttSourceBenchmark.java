package io.iotconnect.bench;

import io.iotconnect.mqtt.MqttSourceConnector;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.avro.RetryingAvroConverter;
import io.iotconnect.testing.ConnectTestCluster;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.SchemaRegistryServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * MQTT to Kafka throughput, in one run on one machine: the connector on a real Connect worker against a raw bridge
 * (a plain Paho subscriber that forwards each message to a Kafka producer and acknowledges it in the producer
 * callback), with the same broker, payloads, QoS 1, persistent sessions, manual acknowledgements, receive maximum and
 * producer settings (acks=all, as Connect uses). Both write the same records: key = device id, value = the payload
 * bytes, the MQTT metadata headers. A third series runs the connector parsing JSON into Structs written by
 * JsonConverter, work the raw bridge does not do, to show what that costs.
 *
 * <p>Each round first lets the subscriber create its persistent session, disconnects it, queues N messages at the
 * broker, then reconnects it and times the drain from the first record visible in Kafka to the N-th. Rounds alternate
 * connector and raw; the median of each is reported. Last line:
 * {@code mqtt-source: connector <N> msg/s, raw <M> msg/s, ratio <R>}.
 *
 * <p>{@code --converter avro} compares two converters on the same connector instead: Apicurio's AvroConverter (as {@link RetryingAvroConverter},
 * which apply.mjs --avro sets)
 * (Confluent wire format, schemas registered in a real Apicurio Registry started here) against {@code JsonConverter},
 * both on JSON parsed into Structs with Avro-valid names and a schema named after the topic. The converter reaches the
 * registry through a {@link CountingHttpForwarder}, so the run also shows how many times the registry was called
 * against the records and schemas written, and the registry's own request count confirms it. Avro and JSON rounds
 * alternate, each starting every other round. Last line:
 * {@code mqtt-source avro: connector <N> msg/s, json <M> msg/s, ratio <R>}.
 */
public final class MqttSourceBenchmark {

    private static final int RECEIVE_MAXIMUM = 1000;
    /** What each Avro record's value starts with in the Confluent wire format: magic byte 0 and a 4-byte schema id. */
    private static final int CONFLUENT_FRAMING = 5;

    private final MosquittoBroker broker;
    private final EmbeddedConnectCluster connect;
    private final Admin admin;
    private final int messages;
    private final int partitions;
    private final List<String> topics = new ArrayList<>();
    private final List<byte[]> payloads = new ArrayList<>();

    private MqttSourceBenchmark(int messages, int partitions) {
        this.messages = messages;
        this.partitions = partitions;
        this.broker = MosquittoBroker.start();
        this.connect = ConnectTestCluster.start("mqtt-bench", 1);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers()));
        // Readings stamped in the last minutes, one millisecond apart, all inside the source's device time window.
        long firstReading = System.currentTimeMillis() - messages - 60_000L;
        for (int i = 0; i < messages; i++) {
            String device = String.format(Locale.ROOT, "sensor-%03d", i % 100);
            topics.add("bench/" + device + "/telemetry");
            payloads.add(String.format(Locale.ROOT,
                    "{\"deviceId\":\"%s\",\"ts\":%d,\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,\"battery\":%.1f}",
                    device, firstReading + i, 20 + (i % 70) / 10.0, 40 + (i % 200) / 10.0, 1013.2 - (i % 50) / 10.0, 87.5)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = 100_000;
        int rounds = 3;
        int partitions = 1;
        String converter = "json";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                case "--converter" -> converter = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --messages N --rounds R --partitions P --converter json|avro");
            }
        }
        if (!converter.equals("json") && !converter.equals("avro")) {
            throw new IllegalArgumentException("--converter " + converter + ": use json (connector against the raw bridge) "
                    + "or avro (AvroConverter against JsonConverter)");
        }
        MqttSourceBenchmark bench = new MqttSourceBenchmark(messages, partitions);
        try {
            if (converter.equals("avro")) {
                bench.avroAgainstJson(rounds);
            } else {
                bench.connectorAgainstRaw(rounds);
            }
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    /** The connector (bytes, and json on the side) against the raw bridge: the default series. */
    private void connectorAgainstRaw(int rounds) throws Exception {
        System.out.printf(Locale.ROOT, "mqtt-source benchmark: %d messages of ~%d bytes per round, QoS 1, %d round(s) after a warm-up round, "
                + "%d partition(s), mosquitto %s%n", messages, payloads.get(0).length, rounds, partitions, broker.uri());
        System.out.printf(Locale.ROOT, "  warm-up: connector %.0f msg/s, raw %.0f msg/s, connector json %.0f msg/s (not counted)%n",
                connectorRound(-1, "bytes"), rawRound(-1), connectorRound(-1, "json"));
        double[] connector = new double[rounds];
        double[] raw = new double[rounds];
        double[] json = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            connector[round] = connectorRound(round, "bytes");
            raw[round] = rawRound(round);
            json[round] = connectorRound(round, "json");
            System.out.printf(Locale.ROOT, "  round %d: connector %.0f msg/s, raw %.0f msg/s, connector json %.0f msg/s%n",
                    round + 1, connector[round], raw[round], json[round]);
        }
        double connectorMedian = Rounds.median(connector);
        double rawMedian = Rounds.median(raw);
        double jsonMedian = Rounds.median(json);
        System.out.printf(Locale.ROOT, "mqtt-source (json to Struct, JsonConverter): connector %.0f msg/s, ratio %.2f to raw%n",
                jsonMedian, jsonMedian / rawMedian);
        System.out.printf(Locale.ROOT, "mqtt-source: connector %.0f msg/s, raw %.0f msg/s, ratio %.2f%n",
                connectorMedian, rawMedian, connectorMedian / rawMedian);
    }

    /**
     * The connector with Apicurio's AvroConverter against the same connector with JsonConverter. Both parse the JSON
     * into Structs with Avro-valid names and a schema named after the topic and take the reading's time; only the
     * value converter differs. AvroConverter registers its schemas in a real registry, which it reaches through a
     * counting forwarder; the registry's own request counter is read as well, to confirm the count.
     */
    private void avroAgainstJson(int rounds) throws Exception {
        try (SchemaRegistryServer registry = SchemaRegistryServer.start();
             CountingHttpForwarder forwarder = CountingHttpForwarder.start(registry.baseUrl())) {
            String registryApi = forwarder.url() + "/apis/registry/v2";
            System.out.printf(Locale.ROOT, "mqtt-source benchmark (avro): %d messages of ~%d bytes per round, QoS 1, %d round(s) of each "
                            + "after a warm-up round, %d partition(s), mosquitto %s, Apicurio Registry %s (ready in %.1f s) "
                            + "behind a counting forwarder %s%n", messages, payloads.get(0).length, rounds, partitions, broker.uri(),
                    registry.baseUrl(), registry.startup().toMillis() / 1000.0, forwarder.url());
            long warmUpCalls = forwarder.total();
            double warmUpAvro = avroRound(-1, registryApi);
            warmUpCalls = forwarder.total() - warmUpCalls;
            System.out.printf(Locale.ROOT, "  warm-up: connector avro %.0f msg/s (%s), json %.0f msg/s (not counted)%n",
                    warmUpAvro, registryCalls(warmUpCalls), jsonRound(-1));

            double[] avro = new double[rounds];
            double[] json = new double[rounds];
            Map<String, Long> forwardedBefore = forwarder.counts();
            Map<String, Long> servedBefore = RegistryRequestMetrics.read(registry.baseUrl());
            for (int round = 0; round < rounds; round++) {
                long calls = forwarder.total();
                // Each converter goes first every other round, so neither always gets the fresher machine.
                boolean avroFirst = round % 2 == 0;
                if (avroFirst) {
                    avro[round] = avroRound(round, registryApi);
                    json[round] = jsonRound(round);
                } else {
                    json[round] = jsonRound(round);
                    avro[round] = avroRound(round, registryApi);
                }
                calls = forwarder.total() - calls;
                System.out.printf(Locale.ROOT, "  round %d (%s first): connector avro %.0f msg/s (%s), json %.0f msg/s%n",
                        round + 1, avroFirst ? "avro" : "json", avro[round], registryCalls(calls), json[round]);
            }
            Map<String, Long> forwarded = CountingHttpForwarder.difference(forwardedBefore, forwarder.counts());
            long served = RegistryRequestMetrics.total(RegistryRequestMetrics.read(registry.baseUrl()))
                    - RegistryRequestMetrics.total(servedBefore);
            reportRegistryCalls(registry, rounds, forwarded, served);

            double avroMedian = Rounds.median(avro);
            double jsonMedian = Rounds.median(json);
            System.out.printf(Locale.ROOT, "mqtt-source avro: connector %.0f msg/s, json %.0f msg/s, ratio %.2f%n",
                    avroMedian, jsonMedian, avroMedian / jsonMedian);
        }
    }

    /**
     * Prints what the measured rounds wrote (records, value sizes, schema ids in the records, subjects and versions in
     * the registry) beside the registry calls the forwarder passed on and the registry itself served.
     */
    private void reportRegistryCalls(SchemaRegistryServer registry, int rounds, Map<String, Long> forwarded, long served)
            throws Exception {
        long avroRecords = 0;
        long avroBytes = 0;
        long unframed = 0;
        Set<Integer> schemaIds = new TreeSet<>();
        long jsonRecords = 0;
        long jsonBytes = 0;
        List<String> subjects = registry.subjects();
        int subjectsFound = 0;
        int versions = 0;
        for (int round = 0; round < rounds; round++) {
            ValueScan avro = scan(avroTopic(round));
            avroRecords += avro.records();
            avroBytes += avro.valueBytes();
            unframed += avro.unframed();
            schemaIds.addAll(avro.schemaIds());
            ValueScan json = scan(jsonTopic(round));
            jsonRecords += json.records();
            jsonBytes += json.valueBytes();
            // Apicurio's default strategy, as Confluent's: one subject per topic, <topic>-value.
            String subject = avroTopic(round) + "-value";
            if (subjects.contains(subject)) {
                subjectsFound++;
                versions += registry.versions(subject).size();
            }
        }
        System.out.printf(Locale.ROOT, "mqtt-source avro values: avro %.1f bytes/record (%d of them the Confluent framing), json %.1f bytes/record%n",
                (double) avroBytes / Math.max(avroRecords, 1), CONFLUENT_FRAMING, (double) jsonBytes / Math.max(jsonRecords, 1));
        long calls = forwarded.values().stream().mapToLong(Long::longValue).sum();
        String byRequest = forwarded.isEmpty() ? "none"
                : forwarded.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
        System.out.printf(Locale.ROOT, "mqtt-source avro registry: %d calls during the %d measured rounds of each (the registry counted %d) "
                        + "for %d avro records, %d schema versions in %d subjects, %d schema ids in the records%s; calls: %s%n",
                calls, rounds, served, avroRecords, versions, subjectsFound, schemaIds.size(),
                unframed == 0 ? "" : ", " + unframed + " records without the Confluent framing", byRequest);
    }

    private static String registryCalls(long calls) {
        return calls + " registry call" + (calls == 1 ? "" : "s");
    }

    private static String avroTopic(int round) {
        return "bench-connector-avro-" + (round + 1);
    }

    private static String jsonTopic(int round) {
        return "bench-connector-json-" + (round + 1);
    }

    /** The connector writing with AvroConverter, in the Confluent wire format, registering its schemas itself. */
    private double avroRound(int round, String registryApiUrl) throws Exception {
        Map<String, String> value = structsWithAvroNames();
        value.put("value.converter", RetryingAvroConverter.class.getName());
        SchemaRegistryServer.confluentWireFormat(registryApiUrl).forEach((key, setting) -> value.put("value.converter." + key, setting));
        return connectorRound(avroTopic(round), value);
    }

    /** The same connector writing with JsonConverter, as the default series' json does (no schema in each record). */
    private double jsonRound(int round) throws Exception {
        Map<String, String> value = structsWithAvroNames();
        value.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        value.put("value.converter.schemas.enable", "false");
        return connectorRound(jsonTopic(round), value);
    }

    /** Both converters' input: JSON parsed into Structs with Avro-valid names, the schema named after the topic. */
    private static Map<String, String> structsWithAvroNames() {
        Map<String, String> value = new HashMap<>();
        value.put(MqttSourceConnectorConfig.VALUE_FORMAT_CONFIG, "json");
        value.put(MqttSourceConnectorConfig.TIMESTAMP_FIELD_CONFIG, "ts");
        value.put(MqttSourceConnectorConfig.JSON_FIELD_NAMES_CONFIG, "avro");
        value.put(MqttSourceConnectorConfig.JSON_SCHEMA_NAME_CONFIG, "io.iotconnect.${topic}");
        return value;
    }

    /** What a topic holds: its records, their value bytes, and the schema ids of those in the Confluent framing. */
    private record ValueScan(long records, long valueBytes, Set<Integer> schemaIds, long unframed) {
    }

    /** Reads {@code topic} from the beginning to its end offsets, without a consumer group. */
    private ValueScan scan(String topic) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long records = 0;
        long valueBytes = 0;
        long unframed = 0;
        Set<Integer> schemaIds = new TreeSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(topic, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            long end = consumer.endOffsets(assigned, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (records < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    byte[] value = record.value();
                    if (value == null || value.length < CONFLUENT_FRAMING || value[0] != 0) {
                        unframed++;
                    } else {
                        schemaIds.add(ByteBuffer.wrap(value, 1, 4).getInt());
                    }
                    valueBytes += value == null ? 0 : value.length;
                }
            }
            if (records < end) {
                throw new IllegalStateException("read only " + records + " of the " + end + " records of " + topic + " in 2 minutes");
            }
        }
        return new ValueScan(records, valueBytes, schemaIds, unframed);
    }

    private double connectorRound(int round, String format) throws Exception {
        Map<String, String> value = new HashMap<>();
        value.put(MqttSourceConnectorConfig.VALUE_FORMAT_CONFIG, format);
        if (format.equals("json")) {
            value.put(MqttSourceConnectorConfig.TIMESTAMP_FIELD_CONFIG, "ts");
            value.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            value.put("value.converter.schemas.enable", "false");
        } else {
            value.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        }
        return connectorRound("bench-connector-" + format + "-" + (round + 1), value);
    }

    /** One round of the connector writing to a new topic named {@code name}, with {@code value} setting its values. */
    private double connectorRound(String name, Map<String, String> value) throws Exception {
        String topic = name;
        connect.kafka().createTopic(topic, partitions);
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", MqttSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put(MqttSourceConnectorConfig.SERVER_URIS_CONFIG, broker.uri());
        props.put(MqttSourceConnectorConfig.TOPICS_CONFIG, "bench/+/telemetry");
        props.put(MqttSourceConnectorConfig.QOS_CONFIG, "1");
        props.put(MqttSourceConnectorConfig.RECEIVE_MAXIMUM_CONFIG, Integer.toString(RECEIVE_MAXIMUM));
        props.put(MqttSourceConnectorConfig.KAFKA_TOPIC_CONFIG, topic);
        props.put(MqttSourceConnectorConfig.KEY_TOPIC_LEVEL_CONFIG, "2");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.putAll(value);
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "benchmark connector did not start");
        connect.pauseConnector(name);
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(name, 1, "benchmark connector did not pause");
        publishAll();
        connect.resumeConnector(name);
        double rate = drainRate(topic);
        connect.deleteConnector(name);
        return rate;
    }

    private double rawRound(int round) throws Exception {
        String topic = "bench-raw-" + (round + 1);
        connect.kafka().createTopic(topic, partitions);
        String clientId = topic;
        try (RawBridge bridge = new RawBridge(broker.uri(), clientId, connect.kafka().bootstrapServers(), topic)) {
            bridge.connectAndSubscribe();
            bridge.disconnect();
            publishAll();
            bridge.connectAndSubscribe();
            return drainRate(topic);
        }
    }

    private void publishAll() {
        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            publisher.publishAll(topics, payloads, 1, 500);
        }
    }

    /** Messages per second from the first record visible in the topic to the last. */
    private double drainRate(String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long first = 0;
        long firstCount = 0;
        while (System.nanoTime() < deadline) {
            long count = records(topic);
            if (first == 0 && count > 0) {
                first = System.nanoTime();
                firstCount = count;
            }
            if (count >= messages) {
                double seconds = (System.nanoTime() - first) / 1e9;
                return (count - firstCount) / Math.max(seconds, 1e-3);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("only " + records(topic) + " of " + messages + " records reached " + topic + " in 5 minutes");
    }

    private long records(String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(request).all().get(10, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
    }

    private void close() {
        admin.close();
        connect.stop();
        broker.close();
    }

    /** The baseline: Paho subscriber with manual acks, each message forwarded to Kafka and acknowledged on success. */
    private static final class RawBridge implements MqttCallback, AutoCloseable {
        private final MqttAsyncClient client;
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;

        RawBridge(String brokerUri, String clientId, String bootstrapServers, String topic) throws MqttException {
            this.topic = topic;
            this.client = new MqttAsyncClient(brokerUri, clientId, new MemoryPersistence());
            client.setManualAcks(true);
            client.setCallback(this);
            Map<String, Object> producerProps = new HashMap<>();
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            // What a Connect worker gives a source task's producer.
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProps.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            this.producer = new KafkaProducer<>(producerProps);
        }

        void connectAndSubscribe() throws MqttException {
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(false);
            options.setSessionExpiryInterval(3600L);
            options.setReceiveMaximum(RECEIVE_MAXIMUM);
            options.setAutomaticReconnect(false);
            client.connect(options).waitForCompletion(10_000);
            IMqttToken token = client.subscribe(new MqttSubscription[] {new MqttSubscription("bench/+/telemetry", 1)});
            token.waitForCompletion(10_000);
        }

        void disconnect() throws MqttException {
            client.disconnect().waitForCompletion(10_000);
        }

        @Override
        public void messageArrived(String mqttTopic, MqttMessage message) {
            int id = message.getId();
            int qos = message.getQos();
            byte[] key = mqttTopic.split("/")[1].getBytes(StandardCharsets.UTF_8);
            // The same metadata the connector writes as headers, so both write the same records.
            RecordHeaders headers = new RecordHeaders();
            headers.add("mqtt.topic", mqttTopic.getBytes(StandardCharsets.UTF_8));
            headers.add("mqtt.qos", Integer.toString(qos).getBytes(StandardCharsets.UTF_8));
            headers.add("mqtt.retained", Boolean.toString(message.isRetained()).getBytes(StandardCharsets.UTF_8));
            headers.add("mqtt.duplicate", Boolean.toString(message.isDuplicate()).getBytes(StandardCharsets.UTF_8));
            headers.add("mqtt.message.id", Integer.toString(id).getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(topic, null, key, message.getPayload(), headers), (metadata, error) -> {
                if (error == null) {
                    try {
                        client.messageArrivedComplete(id, qos);
                    } catch (MqttException e) {
                        // the broker redelivers
                    }
                }
            });
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }

        @Override
        public void close() throws MqttException {
            producer.close();
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(10_000);
            }
            client.close();
        }
    }
}
