package io.iotconnect.common.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.MeasurableStat;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;

import javax.management.ObjectName;
import java.util.LinkedHashMap;
import java.util.TreeMap;

/**
 * Sensors and metric names of one plugin instance (KIP-877 plugin metrics).
 *
 * <p>{@link PluginMetrics#addSensor(String)} names the sensor in the worker's whole metrics registry, not per plugin
 * instance: two tasks asking for the sensor "written" get the same one, so each task's metric shows the sum of both,
 * and when one task stops it removes the sensor (and the other task's metric with it). Sensors made here carry the
 * plugin's own tags (connector, task, and the alias of a transformation or predicate) in their names, so every
 * instance has its own.
 */
public final class PluginSensors {

    private final PluginMetrics metrics;
    private final String scope;

    public PluginSensors(PluginMetrics metrics) {
        this.metrics = metrics;
        // metricName() only builds a name (nothing is registered); its tags are the ones Connect gives this plugin.
        MetricName probe = metrics.metricName("sensor-scope", "", new LinkedHashMap<>());
        // Tag values are quoted, so no connector name or alias can make two tag sets read alike.
        StringBuilder scope = new StringBuilder(probe.group());
        new TreeMap<>(probe.tags()).forEach((key, value) -> scope.append(',').append(key).append('=').append(ObjectName.quote(value)));
        this.scope = scope.toString();
    }

    /** A metric name of this plugin, tagged as Connect tags it (connector, task, ...). */
    public MetricName name(String name, String description) {
        return metrics.metricName(name, description, new LinkedHashMap<>());
    }

    /** A sensor of this plugin instance alone; add metrics to it with {@link #name(String, String)}. */
    public Sensor sensor(String name) {
        return metrics.addSensor(name + ":" + scope);
    }

    /** A sensor of this plugin instance with one metric. */
    public Sensor sensor(String name, String description, MeasurableStat stat) {
        Sensor sensor = sensor(name);
        sensor.add(name(name, description), stat);
        return sensor;
    }
}
