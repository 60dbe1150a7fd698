package io.iotconnect.iothub;

import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.testing.EventHubsEndpoint;
import io.iotconnect.testing.EventHubsEndpoint.Event;
import io.iotconnect.testing.WorkerProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once across a crash, counted: the worker runs with {@code exactly.once.source.support=enabled} in a JVM of
 * its own and is killed with SIGKILL while events stream in (no task stops or commits anything), then a new worker
 * takes over. Read with {@code isolation.level=read_committed}, the topic must hold every event exactly once: what
 * the dead task had in flight was aborted with its transaction, and its successor resumed after the last committed
 * sequence number.
 */
class IotHubSourceCrashIT {

    private static final Logger log = LoggerFactory.getLogger(IotHubSourceCrashIT.class);
    private static final int BATCHES = 60;
    private static final int BATCH = 250;
    private static final int EVENTS = BATCHES * BATCH;
    /** The dead task's open transaction pins the offsets topic's last stable offset until it times out: keep that short. */
    private static final Map<String, String> EXACTLY_ONCE = Map.of("exactly.once.source.support", "enabled",
            "producer.transaction.timeout.ms", "15000");

    private static EventHubsEndpoint endpoint;
    private static EmbeddedKafkaCluster kafka;
    private WorkerProcess worker;

    @BeforeAll
    static void startServers() {
        endpoint = EventHubsEndpoint.start();
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        kafka = new EmbeddedKafkaCluster(1, broker);
        kafka.start();
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.stop();
        }
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void everyEventIsInKafkaExactlyOnceAfterTheWorkerIsKilledMidStream() throws Exception {
        String name = "iothub-crash";
        String group = name + "-cluster";
        String topic = name + "-telemetry";
        endpoint.createHub("crash", 2);
        kafka.createTopic(topic, 3);
        worker = WorkerProcess.start(kafka.bootstrapServers(), group, EXACTLY_ONCE);
        worker.configureConnector(name, connectorProps(topic));
        worker.awaitRunning(name, 2, Duration.ofSeconds(60));

        CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
            for (int batch = 0; batch < BATCHES; batch++) {
                int from = batch * BATCH;
                for (int device = 0; device < 4; device++) {
                    int d = device;
                    endpoint.publishToDevicePartition("crash", "device-" + d, IntStream.range(from, from + BATCH)
                            .filter(n -> n % 4 == d)
                            .mapToObj(n -> Event.telemetry("device-" + d, "{\"n\":" + n + "}").property("n", (long) n))
                            .toArray(Event[]::new));
                }
                sleep(100);
            }
        });
        int before = readCommitted(topic, EVENTS / 5, Duration.ofSeconds(60)).size();
        log.info("Killing worker (SIGKILL) of {} mid-stream, {} committed records in Kafka", name, before);
        worker.kill();
        assertThat(before).as("committed records when the worker died").isLessThan(EVENTS * 3 / 4);
        worker = WorkerProcess.start(kafka.bootstrapServers(), group, EXACTLY_ONCE);
        publishing.get(60, TimeUnit.SECONDS);
        worker.awaitRunning(name, 2, Duration.ofSeconds(90));

        List<ConsumerRecord<byte[], byte[]>> records = readCommitted(topic, EVENTS, Duration.ofSeconds(120));
        // Nothing more arrives later.
        Thread.sleep(2_000);
        records = readCommitted(topic, EVENTS + 1, Duration.ofSeconds(3));
        Set<String> distinct = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            distinct.add(new String(record.key(), StandardCharsets.UTF_8) + "/" + header(record, "iothub.property.n"));
        }
        System.out.printf("iothub-source SIGKILL with exactly-once: published %d, committed before the kill %d, distinct %d, records %d%n",
                EVENTS, before, distinct.size(), records.size());
        assertThat(distinct).as("distinct events in Kafka after SIGKILL").hasSize(EVENTS);
        assertThat(records).as("records in Kafka (read_committed) after SIGKILL: no duplicates").hasSize(EVENTS);
        worker.deleteConnector(name);
    }

    private static Map<String, String> connectorProps(String topic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", IotHubSourceConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("exactly.once.support", "required");
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, endpoint.connectionString("crash"));
        props.put(IotHubSourceConfig.TOPIC_CONFIG, topic);
        props.put(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "string");
        props.put(IotHubSourceConfig.POLL_MAX_RECORDS_CONFIG, "100");
        props.put(IotHubSourceConfig.RETRY_DELAY_CONFIG, "100");
        props.put(IotHubSourceConfig.RETRY_MAX_DELAY_CONFIG, "1000");
        props.put(IotHubSourceConfig.RETRY_TRY_TIMEOUT_CONFIG, "5000");
        return props;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The topic's committed records, read from the start until {@code count} are there or time runs out. */
    private static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic, int count, Duration timeout) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
