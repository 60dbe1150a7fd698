package io.iotconnect.datalake;

import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.datalake.client.AdminTopicIds;
import io.iotconnect.datalake.client.LakeClients;
import io.iotconnect.datalake.client.TopicIds;
import io.iotconnect.datalake.commit.RenameCommitter;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.format.FormatWriters;
import io.iotconnect.datalake.storage.LakeStore;
import io.iotconnect.datalake.writer.LakeLayout;
import io.iotconnect.datalake.writer.LakeWriter;
import io.iotconnect.datalake.writer.WriterMetrics;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes records into files in the lake and commits them per partition; {@link #preCommit} hands Connect only the
 * offsets of committed files, and each partition resumes from the lake's own index when it is assigned, so the files
 * hold every record exactly once whatever stops the worker.
 */
public class DataLakeSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(DataLakeSinkTask.class);

    private LakeWriter writer;
    private TopicIds topicIds;

    @Override
    public String version() {
        return PluginVersion.of(DataLakeSinkTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        DataLakeSinkConfig config = new DataLakeSinkConfig(props);
        DataLakeFileSystemClient fileSystem = LakeClients.fileSystem(config);
        LakeClients.open(fileSystem, config);
        LakeStore store = new LakeStore(fileSystem);
        String connector = props.getOrDefault(DataLakeSinkConnector.CONNECTOR_NAME_PROPERTY, "datalake-sink");
        LakeLayout layout = new LakeLayout(config.topicsDir(), connector);
        FormatWriters formats = new FormatWriters(config.format(), config.compression(), config.columns(), config.columnsPrefix(),
                config.parquetRowGroupBytes());
        ErrantRecordReporter reporter = context.errantRecordReporter();
        topicIds = AdminTopicIds.of(config);
        writer = new LakeWriter(LakeWriter.Settings.from(config), store, layout, new RenameCommitter(store), formats, reporter,
                topicIds, offsets -> context.offset(offsets), Time.SYSTEM,
                openFiles -> new WriterMetrics(context.pluginMetrics(), openFiles));
        log.info("ADLS Gen2 sink task started: {}/{} under '{}', template '{}', {} ({}), files of at most {} records or {} "
                        + "bytes, committed at the latest {} ms after their first record, at most {} open, dead letter queue {}, "
                        + "topic ids {}", config.endpoint(), config.filesystem(), config.topicsDir(), config.pathTemplate(),
                config.format(), config.compression(), config.rotateRecords(), config.rotateBytes(), config.rotateScheduleMs(),
                config.openFilesMax(), reporter == null ? "off" : "on",
                topicIds == TopicIds.NONE ? "off"
                        : "from " + config.getString(DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG));
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        writer.open(partitions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        writer.write(records);
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        writer.committedOffsets().forEach((partition, offset) -> {
            if (currentOffsets.containsKey(partition)) {
                committed.put(partition, new OffsetAndMetadata(offset));
            }
        });
        return committed;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        if (writer != null) {
            writer.close(partitions);
        }
    }

    @Override
    public void stop() {
        if (writer != null) {
            writer.stop();
        }
        if (topicIds != null) {
            topicIds.close();
        }
    }
}
