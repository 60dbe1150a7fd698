package io.iotconnect.common.metrics;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PluginSensorsTest {

    /** One worker's registry, as Connect shares it among all the tasks it runs. */
    private final Metrics worker = new Metrics();

    @AfterEach
    void close() {
        worker.close();
    }

    private PluginMetricsImpl task(String connector, int task) {
        return new PluginMetricsImpl(worker, Map.of("connector", connector, "task", Integer.toString(task)));
    }

    private double value(MetricName name) {
        return ((Number) worker.metrics().get(name).metricValue()).doubleValue();
    }

    @Test
    void twoTasksOfOneConnectorCountApart() {
        PluginSensors task0 = new PluginSensors(task("cosmos-sink", 0));
        PluginSensors task1 = new PluginSensors(task("cosmos-sink", 1));
        Sensor written0 = task0.sensor("written", "Documents written.", new CumulativeCount());
        task1.sensor("written", "Documents written.", new CumulativeCount());

        written0.record();
        written0.record();

        assertThat(value(task0.name("written", ""))).isEqualTo(2.0);
        assertThat(value(task1.name("written", ""))).isZero();
    }

    @Test
    void tasksOfTwoConnectorsCountApart() {
        PluginSensors devices = new PluginSensors(task("cosmos-devices", 0));
        PluginSensors readings = new PluginSensors(task("cosmos-sink", 0));
        Sensor written = devices.sensor("written", "Documents written.", new CumulativeCount());
        readings.sensor("written", "Documents written.", new CumulativeCount());

        written.record();

        assertThat(value(devices.name("written", ""))).isEqualTo(1.0);
        assertThat(value(readings.name("written", ""))).isZero();
    }

    @Test
    void aStoppedTaskLeavesTheOtherTasksMetrics() throws Exception {
        PluginMetricsImpl first = task("cosmos-sink", 0);
        PluginSensors task0 = new PluginSensors(first);
        PluginSensors task1 = new PluginSensors(task("cosmos-sink", 1));
        task0.sensor("written", "Documents written.", new CumulativeCount());
        Sensor written1 = task1.sensor("written", "Documents written.", new CumulativeCount());
        MetricName stopped = task0.name("written", "");

        first.close();
        written1.record();

        assertThat(worker.metrics()).doesNotContainKey(stopped);
        assertThat(value(task1.name("written", ""))).isEqualTo(1.0);
    }

    @Test
    void noConnectorNameCanPassForAnotherPluginsTags() {
        PluginSensors lookalike = new PluginSensors(new PluginMetricsImpl(worker, Map.of("connector", "a, task=0")));
        PluginSensors task0 = new PluginSensors(task("a", 0));
        Sensor written = lookalike.sensor("written", "Documents written.", new CumulativeCount());
        task0.sensor("written", "Documents written.", new CumulativeCount());

        written.record();

        assertThat(value(lookalike.name("written", ""))).isEqualTo(1.0);
        assertThat(value(task0.name("written", ""))).isZero();
    }
}
