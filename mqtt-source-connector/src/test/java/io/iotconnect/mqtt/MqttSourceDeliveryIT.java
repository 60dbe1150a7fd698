package io.iotconnect.mqtt;

import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At-least-once under failure, counted: messages published while the worker running the task is stopped and a new
 * worker joins, and while the broker itself restarts. Every distinct message id must arrive; duplicates are allowed
 * and reported.
 */
class MqttSourceDeliveryIT {

    private static final Logger log = LoggerFactory.getLogger(MqttSourceDeliveryIT.class);

    private static MosquittoBroker broker;
    private static EmbeddedConnectCluster connect;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        broker = servers.add(MosquittoBroker.start());
        connect = servers.connect("mqtt-delivery-it", 2);
    }

    private static Map<String, String> connectorProps(String topics, String kafkaTopic) {
        Map<String, String> props = MqttSourceProps.of(broker.uri(), topics, kafkaTopic);
        props.put("mqtt.qos", "1");
        return props;
    }

    @Test
    void noMessageIsLostWhenTheTasksWorkerStopsAndANewWorkerJoins() throws Exception {
        int total = 10_000;
        connect.kafka().createTopic("restart-telemetry", 3);
        connect.configureConnector("restart", connectorProps("restart/+/telemetry", "restart-telemetry"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("restart", 1, "connector did not start");

        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            // Publish in the background across the whole failover.
            CompletableFuture<Void> publishing = CompletableFuture.runAsync(() -> {
                int batch = 500;
                for (int from = 0; from < total; from += batch) {
                    publisher.publishAll(CountedBurst.topics("restart", batch), CountedBurst.payloads(from, batch), 1, 100);
                    sleep(100);
                }
            });

            TimeUnit.MILLISECONDS.sleep(700);
            WorkerHandle running = workerRunningTask("restart");
            log.info("Stopping worker {} while publishing", running.url());
            connect.removeWorker(running);
            assertThat(publishing).as("the worker must stop while messages are still being published").isNotDone();
            TimeUnit.SECONDS.sleep(1);
            connect.addWorker();
            publishing.get(120, TimeUnit.SECONDS);
        }
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("restart", 1, "task did not come back");

        long[] result = CountedBurst.awaitAll(connect.kafka(), "restart-telemetry", total, Duration.ofSeconds(120));
        log.info("Worker failover: {} published, {} distinct arrived, {} records ({} duplicates)",
                total, result[0], result[1], result[1] - result[0]);
        System.out.printf("mqtt-source worker failover: published %d, distinct arrived %d, records %d, duplicates %d%n",
                total, result[0], result[1], result[1] - result[0]);
        assertThat(result[0]).as("distinct messages in Kafka").isEqualTo(total);
        connect.deleteConnector("restart");
    }

    @Test
    void reconnectsAfterTheBrokerRestartsAndLosesNothing() throws Exception {
        int before = 2000;
        int after = 2000;
        connect.kafka().createTopic("broker-telemetry", 3);
        connect.configureConnector("broker-restart", connectorProps("broker/+/telemetry", "broker-telemetry"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("broker-restart", 1, "connector did not start");

        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            publisher.publishAll(CountedBurst.topics("broker", before), CountedBurst.payloads(0, before), 1, 100);
        }
        broker.restart();
        // Publish while the task may still be reconnecting: the persistent session queues for it.
        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            publisher.publishAll(CountedBurst.topics("broker", after), CountedBurst.payloads(before, after), 1, 100);
        }
        long[] result = CountedBurst.awaitAll(connect.kafka(), "broker-telemetry", before + after, Duration.ofSeconds(90));
        System.out.printf("mqtt-source broker restart: published %d, distinct arrived %d, records %d, duplicates %d%n",
                before + after, result[0], result[1], result[1] - result[0]);
        assertThat(result[0]).as("distinct messages in Kafka").isEqualTo(before + after);
        ConnectorStateInfo status = connect.connectorStatus("broker-restart");
        assertThat(status.tasks()).allMatch(t -> t.state().equals("RUNNING"));
        connect.deleteConnector("broker-restart");
    }

    @Test
    void resubscribesWhenTheBrokerLostTheSession() throws Exception {
        connect.kafka().createTopic("fresh-telemetry", 1);
        connect.configureConnector("fresh-broker", connectorProps("fresh/+/telemetry", "fresh-telemetry"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("fresh-broker", 1, "connector did not start");
        try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
            publisher.publishAll(CountedBurst.topics("fresh", 100), CountedBurst.payloads(0, 100), 1, 100);
        }
        assertThat(CountedBurst.awaitAll(connect.kafka(), "fresh-telemetry", 100, Duration.ofSeconds(60))[0]).isEqualTo(100);

        // A broker replaced without its state has no session and no subscription for the task: it must subscribe again.
        broker.restartWithoutState();
        long[] result = null;
        for (int attempt = 0; attempt < 30 && (result == null || result[0] < 200); attempt++) {
            // Publish until the task is back: messages published before it resubscribed have no subscriber to go to.
            try (MqttTestPublisher publisher = new MqttTestPublisher(broker.uri())) {
                publisher.publishAll(CountedBurst.topics("fresh", 100), CountedBurst.payloads(100, 100), 1, 100);
            }
            result = CountedBurst.awaitAll(connect.kafka(), "fresh-telemetry", 200, Duration.ofSeconds(2));
        }
        assertThat(result[0]).as("messages published after the broker came back arrive").isEqualTo(200);
        connect.deleteConnector("fresh-broker");
    }

    private static WorkerHandle workerRunningTask(String connector) {
        String workerId = connect.connectorStatus(connector).tasks().get(0).workerId();
        return connect.workers().stream()
                .filter(worker -> workerId.endsWith(":" + worker.url().getPort()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no worker matches " + workerId + " among " + connect.workers()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
