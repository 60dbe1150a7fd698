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

    @Test
    void eachTaskInAWorkerCountsItsOwnWrites() {
        PluginMetricsImpl first = worker.task("cosmos-sink", 0);
        PluginMetricsImpl second = worker.task("cosmos-sink", 1);
        WriterMetrics task0 = new WriterMetrics(first);
        WriterMetrics task1 = new WriterMetrics(second);

        task0.written();
        task0.written();
        task0.requestCharge(10.5);
        task0.batch(2, 4_000_000);
        task1.written();
        task1.throttled();
        task1.retried(3);

        assertThat(worker.value(first, "documents-written-total")).isEqualTo(2.0);
        assertThat(worker.value(second, "documents-written-total")).isEqualTo(1.0);
        assertThat(worker.value(first, "request-units-total")).isEqualTo(10.5);
        assertThat(worker.value(second, "request-units-total")).isZero();
        assertThat(worker.value(first, "throttled-total")).isZero();
        assertThat(worker.value(second, "throttled-total")).isEqualTo(1.0);
        assertThat(worker.value(second, "retries-total")).isEqualTo(3.0);
        assertThat(worker.value(first, "batch-latency-max-ms")).isEqualTo(4.0);
        assertThat(worker.value(second, "batch-latency-max-ms")).isNaN();
    }
}
