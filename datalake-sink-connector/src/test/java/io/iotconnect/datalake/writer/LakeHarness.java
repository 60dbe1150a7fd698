package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.LakeFiles;
import io.iotconnect.datalake.client.LakeClients;
import io.iotconnect.datalake.client.TopicIds;
import io.iotconnect.datalake.commit.FileCommitter;
import io.iotconnect.datalake.commit.RenameCommitter;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.format.FormatWriters;
import io.iotconnect.datalake.storage.LakeStore;
import io.iotconnect.testing.DataLakeServer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Sink task writers over one file system of the test endpoint, as the tasks of one or more connectors would have them:
 * a mock clock, and recorders for the seeks the writers ask Connect for and the records they send to the dead letter
 * queue.
 */
final class LakeHarness {

    static final long T0 = Instant.parse("2026-12-01T05:00:00Z").toEpochMilli();
    static final String CONNECTOR = "lake-test";

    final DataLakeServer lake;
    final String fileSystem;
    final Map<String, String> props = new HashMap<>();
    final MockTime time = new MockTime(0, T0, 0);
    final Map<TopicPartition, Long> seeks = new HashMap<>();
    final List<SinkRecord> failed = new ArrayList<>();
    final DataLakeSinkConfig config;
    final LakeStore store;

    LakeHarness(DataLakeServer lake, String fileSystem, Map<String, String> overrides) {
        this.lake = lake;
        this.fileSystem = fileSystem;
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, lake.endpoint());
        props.put(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, lake.accountKey());
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, fileSystem);
        props.put(DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG, "true");
        props.put(DataLakeSinkConfig.RETRY_DELAY_MAX_CONFIG, "50");
        props.put(DataLakeSinkConfig.COLUMNS_CONFIG, "partition,offset");
        props.putAll(overrides);
        config = new DataLakeSinkConfig(props);
        var client = LakeClients.fileSystem(config);
        LakeClients.open(client, config);
        store = new LakeStore(client);
    }

    /** A reporter that records the record and acknowledges it at once, as Connect's does once the DLQ has it. */
    ErrantRecordReporter recordingReporter() {
        return (record, error) -> {
            failed.add(record);
            return CompletableFuture.completedFuture(null);
        };
    }

    LakeWriter writer(FileCommitter committer, boolean withReporter) {
        return writer(committer, withReporter, null);
    }

    /** {@code commits} null: commits on the writer's own thread, as in a task; {@code Runnable::run}: on the caller's. */
    LakeWriter writer(FileCommitter committer, boolean withReporter, Executor commits) {
        return writer(CONNECTOR, committer, withReporter ? recordingReporter() : null, commits);
    }

    /** The writer of a task of connector {@code connector}. */
    LakeWriter writer(String connector, FileCommitter committer, ErrantRecordReporter reporter, Executor commits) {
        return writer(connector, committer, reporter, TopicIds.NONE, commits);
    }

    /** The writer of a task of connector {@code connector} that reads topic ids from {@code topicIds}. */
    LakeWriter writer(String connector, FileCommitter committer, ErrantRecordReporter reporter, TopicIds topicIds,
                      Executor commits) {
        FormatWriters formats = new FormatWriters(config.format(), config.compression(), config.columns(),
                config.columnsPrefix(), config.parquetRowGroupBytes());
        return new LakeWriter(LakeWriter.Settings.from(config), store, new LakeLayout(config.topicsDir(), connector),
                committer, formats, reporter, topicIds, seeks::putAll, time,
                open -> new WriterMetrics(new PluginMetricsImpl(new Metrics(), Map.of("connector", "c", "task", "0")), open),
                commits);
    }

    LakeWriter writer() {
        return writer(new RenameCommitter(store), true);
    }

    Path root() {
        return lake.root().resolve(fileSystem).resolve(config.topicsDir());
    }

    List<Map<String, Object>> rows() {
        return LakeFiles.rows(root());
    }
}
