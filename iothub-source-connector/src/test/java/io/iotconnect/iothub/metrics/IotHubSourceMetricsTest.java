package io.iotconnect.iothub.metrics;

import io.iotconnect.iothub.client.IotHubEvent;
import io.iotconnect.iothub.client.TestEvents;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The metrics in Kafka's own plugin metrics registry, with two tasks in one worker as Connect runs them. */
class IotHubSourceMetricsTest {

    private final Metrics worker = new Metrics();

    @AfterEach
    void close() {
        worker.close();
    }

    private PluginMetricsImpl task(int index) {
        return new PluginMetricsImpl(worker, Map.of("connector", "iothub", "task", Integer.toString(index)));
    }

    private double value(PluginMetricsImpl plugin, String name, String partition) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<>();
        if (partition != null) {
            tags.put("partition", partition);
        }
        MetricName metric = plugin.metricName(name, "", tags);
        return ((Number) worker.metrics().get(metric).metricValue()).doubleValue();
    }

    private static IotHubEvent event(String partition, long sequenceNumber, Long lastEnqueued) {
        return new IotHubEvent(partition, sequenceNumber, "0", TestEvents.ENQUEUED, null, "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(), null, null, null, null, Map.of(), lastEnqueued);
    }

    @Test
    void countsPerTaskAndPerPartitionAndShowsEachPartitionsLag() {
        PluginMetricsImpl first = task(0);
        PluginMetricsImpl second = task(1);
        IotHubSourceMetrics task0 = new IotHubSourceMetrics(first, List.of("0", "2"), () -> 4);
        IotHubSourceMetrics task1 = new IotHubSourceMetrics(second, List.of("1"), () -> 0);

        task0.received(event("0", 10, 15L));
        task0.received(event("0", 11, 15L));
        task0.received(event("2", 3, null));
        task1.received(event("1", 0, 0L));
        task0.reopening("0");
        task0.linkStolen("2");
        task1.errorRecord();

        assertThat(value(first, "events-received-total", null)).isEqualTo(3.0);
        assertThat(value(second, "events-received-total", null)).isEqualTo(1.0);
        assertThat(value(first, "partition-events-received-total", "0")).isEqualTo(2.0);
        assertThat(value(first, "partition-events-received-total", "2")).isEqualTo(1.0);
        assertThat(value(first, "partition-lag", "0")).isEqualTo(4.0);
        assertThat(value(first, "partition-lag", "2")).as("unknown until the service says").isEqualTo(-1.0);
        assertThat(value(second, "partition-lag", "1")).isZero();
        assertThat(value(first, "reconnects-total", null)).isEqualTo(1.0);
        assertThat(value(first, "links-stolen-total", null)).isEqualTo(1.0);
        assertThat(value(second, "error-records-total", null)).isEqualTo(1.0);
        assertThat(value(first, "error-records-total", null)).isZero();
        assertThat(value(first, "buffer-size", null)).isEqualTo(4.0);
    }
}
