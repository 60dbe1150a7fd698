package io.iotconnect.cosmos.writer;

import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.common.metrics.PluginSensors;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;

/**
 * The sink task's metrics as Kafka Connect plugin metrics (KIP-877), in JMX under
 * {@code kafka.connect:type=plugins,connector=..,task=..}: documents-written-total, request-units-total,
 * throttled-total, retries-total, records-failed-total, records-skipped-older-total, retry-budget-exhausted-total,
 * batch-latency-avg-ms / -max-ms.
 */
public final class WriterMetrics {

    private final Sensor written;
    private final Sensor requestUnits;
    private final Sensor throttled;
    private final Sensor retries;
    private final Sensor failed;
    private final Sensor batchLatency;
    private final Sensor skippedOlder;
    private final Sensor budgetExhausted;

    public WriterMetrics(PluginMetrics pluginMetrics) {
        PluginSensors metrics = new PluginSensors(pluginMetrics);
        written = metrics.sensor("documents-written-total", "Documents written, created or deleted in Cosmos DB.", new CumulativeCount());
        requestUnits = metrics.sensor("request-units-total", "Request units Cosmos DB charged for the writes.", new CumulativeSum());
        throttled = metrics.sensor("throttled-total", "Operations Cosmos DB throttled (status 429).", new CumulativeCount());
        retries = metrics.sensor("retries-total", "Operations retried after a throttled or transient failure.", new CumulativeSum());
        failed = metrics.sensor("records-failed-total", "Records Cosmos DB rejected or that could not be mapped (to the DLQ).",
                new CumulativeCount());
        skippedOlder = metrics.sensor("records-skipped-older-total", "Records upsert-if-newer did not write because the "
                + "stored document was as new or newer.", new CumulativeCount());
        budgetExhausted = metrics.sensor("retry-budget-exhausted-total", "put() calls that spent the whole "
                + CosmosSinkConfig.RETRY_BUDGET_CONFIG + " with records still failing.", new CumulativeCount());
        batchLatency = metrics.sensor("batch-latency");
        batchLatency.add(metrics.name("batch-latency-avg-ms", "Average time to write one put() batch."), new Avg());
        batchLatency.add(metrics.name("batch-latency-max-ms", "Longest time to write one put() batch."), new Max());
    }

    void written() {
        record(written, 1);
    }

    void requestCharge(double units) {
        record(requestUnits, units);
    }

    void throttled() {
        record(throttled, 1);
    }

    void retried(int operations) {
        record(retries, operations);
    }

    void skippedOlder() {
        record(skippedOlder, 1);
    }

    void retryBudgetExhausted() {
        record(budgetExhausted, 1);
    }

    void failed() {
        record(failed, 1);
    }

    void batch(int records, long nanos) {
        record(batchLatency, nanos / 1_000_000.0);
    }

    private static void record(Sensor sensor, double value) {
        sensor.record(value);
    }
}
