package io.iotconnect.bench;

import io.iotconnect.mqtt.MqttSourceConnector;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.testing.ConnectTestCluster;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
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

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
 */
public final class MqttSourceBenchmark {

    private static final int RECEIVE_MAXIMUM = 1000;

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
        for (int i = 0; i < messages; i++) {
            String device = String.format(Locale.ROOT, "sensor-%03d", i % 100);
            topics.add("bench/" + device + "/telemetry");
            payloads.add(String.format(Locale.ROOT,
                    "{\"deviceId\":\"%s\",\"ts\":%d,\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,\"battery\":%.1f}",
                    device, 1_795_000_000_000L + i, 20 + (i % 70) / 10.0, 40 + (i % 200) / 10.0, 1013.2 - (i % 50) / 10.0, 87.5)
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    public static void main(String[] args) throws Exception {
        int messages = 100_000;
        int rounds = 3;
        int partitions = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--messages" -> messages = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --messages N --rounds R --partitions P");
            }
        }
        MqttSourceBenchmark bench = new MqttSourceBenchmark(messages, partitions);
        try {
            System.out.printf(Locale.ROOT, "mqtt-source benchmark: %d messages of ~%d bytes per round, QoS 1, %d round(s) after a warm-up round, "
                    + "%d partition(s), mosquitto %s%n", messages, bench.payloads.get(0).length, rounds, partitions, bench.broker.uri());
            System.out.printf(Locale.ROOT, "  warm-up: connector %.0f msg/s, raw %.0f msg/s, connector json %.0f msg/s (not counted)%n",
                    bench.connectorRound(-1, "bytes"), bench.rawRound(-1), bench.connectorRound(-1, "json"));
            double[] connector = new double[rounds];
            double[] raw = new double[rounds];
            double[] json = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                connector[round] = bench.connectorRound(round, "bytes");
                raw[round] = bench.rawRound(round);
                json[round] = bench.connectorRound(round, "json");
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
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    private double connectorRound(int round, String format) throws Exception {
        String name = "bench-connector-" + format + "-" + (round + 1);
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
        props.put(MqttSourceConnectorConfig.VALUE_FORMAT_CONFIG, format);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        if (format.equals("json")) {
            props.put(MqttSourceConnectorConfig.TIMESTAMP_FIELD_CONFIG, "ts");
            props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("value.converter.schemas.enable", "false");
        } else {
            props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        }
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
