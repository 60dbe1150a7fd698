package io.iotconnect.iothub.metrics;

import io.iotconnect.common.metrics.PluginSensors;
import io.iotconnect.iothub.client.IotHubEvent;
import io.iotconnect.iothub.client.ReceiverEvents;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * The task's metrics, registered as Kafka Connect plugin metrics (KIP-877), in JMX under the worker's
 * {@code kafka.connect} domain tagged with the connector and task: events-received-total/-rate, reconnects-total,
 * links-stolen-total, error-records-total, buffer-size, events-replayed-dropped-total, sequence-gaps-total,
 * sequence-gap-events-total, events-skipped-at-start-total; and per partition (tag {@code partition})
 * partition-events-received-total and partition-lag (events enqueued after the last one received, from the
 * last-enqueued-event properties the service sends with each event; -1 before the first).
 */
public final class IotHubSourceMetrics implements ReceiverEvents {

    private final Sensor received;
    private final Sensor reconnects;
    private final Sensor stolen;
    private final Sensor errorRecords;
    private final Sensor replayDropped;
    private final Sensor gaps;
    private final Sensor gapEvents;
    private final Sensor skippedAtStart;
    private final Map<String, Sensor> receivedByPartition = new ConcurrentHashMap<>();
    private final Map<String, Long> lagByPartition = new ConcurrentHashMap<>();

    public IotHubSourceMetrics(PluginMetrics pluginMetrics, Collection<String> partitions, IntSupplier bufferSize) {
        PluginSensors metrics = new PluginSensors(pluginMetrics);
        received = metrics.sensor("iothub-events-received");
        received.add(metrics.name("events-received-total", "Events received from the hub."), new CumulativeCount());
        received.add(metrics.name("events-received-rate", "Events received per second."), new Rate());
        reconnects = metrics.sensor("reconnects-total",
                "Times a partition's receive ended (detached link, closed connection, error) and was reopened.", new CumulativeCount());
        stolen = metrics.sensor("links-stolen-total",
                "Times a partition was taken by, or refused for, another reader with a higher owner level on the consumer group.",
                new CumulativeCount());
        errorRecords = metrics.sensor("error-records-total",
                "Events that could not be mapped and went to the error topic.", new CumulativeCount());
        replayDropped = metrics.sensor("events-replayed-dropped-total",
                "Events the hub sent again at or below the sequence number a partition had reached; dropped, never written twice.",
                new CumulativeCount());
        gaps = metrics.sensor("sequence-gaps-total",
                "Times a partition's next event came after a gap in sequence numbers (events deleted by retention while "
                        + "the connector was stopped or behind).", new CumulativeCount());
        gapEvents = metrics.sensor("sequence-gap-events-total", "Events never read because of gaps in sequence numbers.",
                new org.apache.kafka.common.metrics.stats.CumulativeSum());
        skippedAtStart = metrics.sensor("events-skipped-at-start-total",
                "Events a partition opened at 'latest' or a time left unread, of those the hub held.",
                new org.apache.kafka.common.metrics.stats.CumulativeSum());
        pluginMetrics.addMetric(metrics.name("buffer-size", "Events waiting between the SDK and Kafka."),
                (Gauge<Integer>) (config, now) -> bufferSize.getAsInt());
        for (String partition : partitions) {
            LinkedHashMap<String, String> tags = new LinkedHashMap<>();
            tags.put("partition", partition);
            Sensor sensor = metrics.sensor("iothub-partition-events-received-" + partition);
            sensor.add(pluginMetrics.metricName("partition-events-received-total", "Events received from the partition.", tags),
                    new CumulativeCount());
            receivedByPartition.put(partition, sensor);
            lagByPartition.put(partition, -1L);
            pluginMetrics.addMetric(pluginMetrics.metricName("partition-lag",
                            "Events enqueued in the partition after the last one received; -1 before the first.", new LinkedHashMap<>(tags)),
                    (Gauge<Long>) (config, now) -> lagByPartition.getOrDefault(partition, -1L));
        }
    }

    @Override
    public void received(IotHubEvent event) {
        received.record();
        Sensor partition = receivedByPartition.get(event.partitionId());
        if (partition != null) {
            partition.record();
        }
        if (event.lastEnqueuedSequenceNumber() != null) {
            lagByPartition.put(event.partitionId(), Math.max(0, event.lastEnqueuedSequenceNumber() - event.sequenceNumber()));
        }
    }

    @Override
    public void reopening(String partitionId) {
        reconnects.record();
    }

    @Override
    public void linkStolen(String partitionId) {
        stolen.record();
    }

    @Override
    public void replayDropped(String partitionId) {
        replayDropped.record();
    }

    @Override
    public void sequenceGap(String partitionId, long missing) {
        gaps.record();
        gapEvents.record(missing);
    }

    @Override
    public void skippedAtStart(String partitionId, long skipped) {
        skippedAtStart.record(skipped);
    }

    public void errorRecord() {
        errorRecords.record();
    }
}
