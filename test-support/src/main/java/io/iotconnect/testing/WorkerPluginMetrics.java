package io.iotconnect.testing;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One worker's metrics registry, shared by the tasks it runs as Connect shares it, with Kafka's own plugin metrics
 * per task: for tests of a plugin's metrics without a running worker.
 */
public final class WorkerPluginMetrics implements AutoCloseable {

    private final Metrics worker = new Metrics();

    /** The plugin metrics Connect gives task {@code task} of {@code connector} in this worker. */
    public PluginMetricsImpl task(String connector, int task) {
        return new PluginMetricsImpl(worker, Map.of("connector", connector, "task", Integer.toString(task)));
    }

    /** The current value of a plugin's metric, as JMX would show it. */
    public double value(PluginMetrics plugin, String name) {
        MetricName metric = plugin.metricName(name, "", new LinkedHashMap<>());
        return ((Number) worker.metrics().get(metric).metricValue()).doubleValue();
    }

    @Override
    public void close() {
        worker.close();
    }
}
