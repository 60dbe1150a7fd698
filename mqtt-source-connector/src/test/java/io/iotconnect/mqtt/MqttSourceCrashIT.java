package io.iotconnect.mqtt;

import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.TopicReader;
import io.iotconnect.testing.WorkerProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At-least-once across a crash, counted: the worker running the task is a JVM of its own, killed with SIGKILL in the
 * middle of a burst (no task stops, commits or acknowledges anything), then a new worker starts in its place. Every
 * message published must be in Kafka, for MQTT 5 and 3.1.1, at QoS 1 and QoS 2.
 */
class MqttSourceCrashIT {

    private static final Logger log = LoggerFactory.getLogger(MqttSourceCrashIT.class);
    private static final int MESSAGES = 20_000;

    private static MosquittoBroker broker;
    private static EmbeddedKafkaCluster kafka;
    private WorkerProcess worker;

    @BeforeAll
    static void startServers() {
        broker = MosquittoBroker.start();
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @ParameterizedTest(name = "MQTT {0}, QoS {1}")
    @CsvSource({"5, 1", "5, 2", "3.1.1, 1", "3.1.1, 2"})
    void everyMessageArrivesWhenTheWorkerIsKilledMidBurst(String version, int qos) throws Exception {
        String name = "crash-v" + version.replace(".", "") + "-q" + qos;
        String group = name + "-cluster";
        String kafkaTopic = name + "-telemetry";
        kafka.createTopic(kafkaTopic, 3);
        worker = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
        worker.configureConnector(name, connectorProps(name, version, qos, kafkaTopic));
        worker.awaitRunning(name, 1, Duration.ofSeconds(60));
        TimeUnit.SECONDS.sleep(1); // subscribed before the burst

        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                int batch = 1000;
                for (int from = 0; from < MESSAGES; from += batch) {
                    publisher.publishAll(CountedBurst.topics(name, batch), CountedBurst.payloads(from, batch), qos, 200);
                }
            });
            // Kill once the task is well into the burst, with messages in flight between the broker, its queue and Kafka.
            int before = awaitAtLeast(kafkaTopic, MESSAGES / 10, Duration.ofSeconds(60));
            log.info("Killing worker (SIGKILL) of {} mid-burst, {} records in Kafka", name, before);
            worker.kill();
            // Mid-burst: the publisher may be done (the broker then holds the rest for the task's session), but
            // most messages are still between the broker, the task's queue and Kafka.
            assertThat(before).as("records in Kafka when the worker died").isLessThan(MESSAGES / 2);
            worker = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
            publishing.get(180, TimeUnit.SECONDS);
        }
        worker.awaitRunning(name, 1, Duration.ofSeconds(90));

        long[] result = CountedBurst.awaitAll(kafka, kafkaTopic, MESSAGES, Duration.ofSeconds(120));
        System.out.printf("mqtt-source SIGKILL, MQTT %s, QoS %d: published %d, distinct arrived %d, records %d, duplicates %d%n",
                version, qos, MESSAGES, result[0], result[1], result[1] - result[0]);
        assertThat(result[0]).as("distinct messages in Kafka after SIGKILL (MQTT %s, QoS %d)", version, qos).isEqualTo(MESSAGES);
        worker.deleteConnector(name);
    }

    private static Map<String, String> connectorProps(String name, String version, int qos, String kafkaTopic) {
        Map<String, String> props = MqttSourceProps.of(broker.uri(), name + "/+/telemetry", kafkaTopic);
        props.put("mqtt.version", version);
        props.put("mqtt.qos", Integer.toString(qos));
        return props;
    }

    /** Waits until {@code count} records are in the topic; returns how many were read. */
    private static int awaitAtLeast(String topic, int count, Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(kafka, topic, read -> read.size() >= count, timeout);
        assertThat(records.size()).as("records in %s before the kill", topic).isGreaterThanOrEqualTo(count);
        return records.size();
    }

}
