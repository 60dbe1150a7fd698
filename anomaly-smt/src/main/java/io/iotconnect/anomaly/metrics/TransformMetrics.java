package io.iotconnect.anomaly.metrics;

import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;

import java.util.LinkedHashMap;
import java.util.function.LongSupplier;

/**
 * Registers a transform's counts as Kafka Connect plugin metrics (KIP-877). The worker tags them with the connector,
 * the task and the transformation's alias, under JMX {@code kafka.connect:type=plugins,connector=..,task=..,transformation=..}.
 */
public final class TransformMetrics {

    private final PluginMetrics metrics;

    public TransformMetrics(PluginMetrics metrics) {
        this.metrics = metrics;
    }

    public TransformMetrics count(String name, String description, Counter counter) {
        return gauge(name, description, counter::get);
    }

    public TransformMetrics gauge(String name, String description, LongSupplier value) {
        metrics.addMetric(metrics.metricName(name, description, new LinkedHashMap<>()), (Gauge<Long>) (config, now) -> value.getAsLong());
        return this;
    }
}
