package io.iotconnect.datalake.writer;

import io.iotconnect.common.metrics.PluginSensors;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Avg;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Max;

import java.util.function.IntSupplier;

/**
 * The sink task's metrics as Kafka Connect plugin metrics (KIP-877), in JMX under
 * {@code kafka.connect:type=plugins,connector=..,task=..}: records-written-total, bytes-written-total,
 * files-committed-total, files-open, records-skipped-committed-total, records-failed-total, storage-failures-total,
 * commit-latency-avg-ms / -max-ms, recovery-time-avg-ms / -max-ms.
 */
public final class WriterMetrics {

    private final Sensor records;
    private final Sensor bytes;
    private final Sensor files;
    private final Sensor skipped;
    private final Sensor failed;
    private final Sensor storageFailures;
    private final Sensor commitLatency;
    private final Sensor recoveryTime;

    public WriterMetrics(PluginMetrics pluginMetrics, IntSupplier openFiles) {
        PluginSensors metrics = new PluginSensors(pluginMetrics);
        records = metrics.sensor("records-written-total", "Records written in committed files.", new CumulativeSum());
        bytes = metrics.sensor("bytes-written-total", "Bytes of committed files.", new CumulativeSum());
        files = metrics.sensor("files-committed-total", "Files committed (renamed into place).", new CumulativeCount());
        skipped = metrics.sensor("records-skipped-committed-total", "Records delivered again after a restart that were "
                + "already in committed files, and were not written twice.", new CumulativeCount());
        failed = metrics.sensor("records-failed-total", "Records that could not be written (to the dead letter queue).",
                new CumulativeCount());
        storageFailures = metrics.sensor("storage-failures-total", "Files given up after every try failed; their partition "
                + "was read again from its last commit.", new CumulativeCount());
        commitLatency = metrics.sensor("commit-latency");
        commitLatency.add(metrics.name("commit-latency-avg-ms", "Average time of one partition's commit (index and renames)."), new Avg());
        commitLatency.add(metrics.name("commit-latency-max-ms", "Longest time of one partition's commit."), new Max());
        recoveryTime = metrics.sensor("recovery-time");
        recoveryTime.add(metrics.name("recovery-time-avg-ms", "Average time to recover one assigned partition from the lake."), new Avg());
        recoveryTime.add(metrics.name("recovery-time-max-ms", "Longest time to recover one assigned partition."), new Max());
        pluginMetrics.addMetric(metrics.name("files-open", "Files open in this task."), (Gauge<Integer>) (config, now) -> openFiles.getAsInt());
    }

    void committed(long records, long bytes) {
        this.records.record(records);
        this.bytes.record(bytes);
        files.record();
    }

    void skipped() {
        skipped.record();
    }

    void failed() {
        failed.record();
    }

    void storageFailure() {
        storageFailures.record();
    }

    void commit(long nanos) {
        commitLatency.record(nanos / 1_000_000.0);
    }

    void recovery(long nanos) {
        recoveryTime.record(nanos / 1_000_000.0);
    }
}
