package io.iotconnect.cosmos.writer;

import io.iotconnect.testing.WorkerPluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The metrics in Kafka's own plugin metrics registry, with two tasks in one worker as Connect runs them. */
class WriterMetricsTest {

    private final WorkerPluginMetrics worker = new WorkerPluginMetrics();

    @AfterEach
    void close() {
        worker.close();
    }

    private PluginMetricsImpl task(int task) {
        return worker.task("cosmos-sink", task);
    }

    private double value(PluginMetricsImpl task, String name) {
        return worker.value(task, name);
    }

    @Test
    void eachTaskInAWorkerCountsItsOwnWrites() {
        PluginMetricsImpl first = task(0);
        PluginMetricsImpl second = task(1);
        WriterMetrics task0 = new WriterMetrics(first);
        WriterMetrics task1 = new WriterMetrics(second);

        task0.written();
        task0.written();
        task0.requestCharge(10.5);
        task0.batch(2, 4_000_000);
        task1.written();
        task1.throttled();
        task1.retried(3);

        assertThat(value(first, "documents-written-total")).isEqualTo(2.0);
        assertThat(value(second, "documents-written-total")).isEqualTo(1.0);
        assertThat(value(first, "request-units-total")).isEqualTo(10.5);
        assertThat(value(second, "request-units-total")).isZero();
        assertThat(value(first, "throttled-total")).isZero();
        assertThat(value(second, "throttled-total")).isEqualTo(1.0);
        assertThat(value(second, "retries-total")).isEqualTo(3.0);
        assertThat(value(first, "batch-latency-max-ms")).isEqualTo(4.0);
        assertThat(value(second, "batch-latency-max-ms")).isNaN();
    }
}
