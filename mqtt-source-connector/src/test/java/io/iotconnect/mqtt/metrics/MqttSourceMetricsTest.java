package io.iotconnect.mqtt.metrics;

import io.iotconnect.mqtt.client.ConnectionState;
import io.iotconnect.testing.WorkerPluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The metrics in Kafka's own plugin metrics registry, with two tasks in one worker as Connect runs them. */
class MqttSourceMetricsTest {

    private final WorkerPluginMetrics worker = new WorkerPluginMetrics();

    @AfterEach
    void close() {
        worker.close();
    }

    @Test
    void eachTaskInAWorkerCountsItsOwnMessages() {
        PluginMetricsImpl first = worker.task("mqtt-source", 0);
        PluginMetricsImpl second = worker.task("mqtt-source", 1);
        MqttSourceMetrics task0 = new MqttSourceMetrics(first, () -> 7, () -> ConnectionState.CONNECTED);
        MqttSourceMetrics task1 = new MqttSourceMetrics(second, () -> 0, () -> ConnectionState.CONNECTED);

        task0.malformedMessage();
        task0.malformedMessage();
        task0.connected(true);
        task1.malformedMessage();

        assertThat(worker.value(first, "malformed-messages-total")).isEqualTo(2.0);
        assertThat(worker.value(second, "malformed-messages-total")).isEqualTo(1.0);
        assertThat(worker.value(first, "reconnects-total")).isEqualTo(1.0);
        assertThat(worker.value(second, "reconnects-total")).isZero();
        assertThat(worker.value(first, "queue-size")).isEqualTo(7.0);
        assertThat(worker.value(second, "queue-size")).isZero();
    }
}
