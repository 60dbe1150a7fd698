package io.iotconnect.iothub;

import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.iothub.client.EventHubClients;
import io.iotconnect.iothub.client.EventSource;
import io.iotconnect.iothub.client.IotHubEvent;
import io.iotconnect.iothub.client.PartitionReaders;
import io.iotconnect.iothub.client.ReadPosition;
import io.iotconnect.iothub.client.ReceiverEvents;
import io.iotconnect.iothub.config.ErrorHandling;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.config.IotHubSourceTaskConfig;
import io.iotconnect.iothub.config.SequenceGapHandling;
import io.iotconnect.iothub.mapping.IotHubRecordMapper;
import io.iotconnect.iothub.mapping.MalformedEventException;
import io.iotconnect.iothub.mapping.SourceOffsets;
import io.iotconnect.iothub.metrics.IotHubSourceMetrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the task's partitions: each resumes right after the sequence number of its committed offset (or at the start
 * position), the readers fill a bounded buffer, and {@link #poll()} maps what is there to records that carry their
 * offsets.
 */
public class IotHubSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(IotHubSourceTask.class);

    private final Function<IotHubSourceConfig, EventSource> sources;
    private IotHubSourceTaskConfig config;
    private IotHubRecordMapper mapper;
    private PartitionReaders readers;
    private IotHubSourceMetrics metrics;
    private boolean failOnMalformed;

    public IotHubSourceTask() {
        this(EventHubClients::eventSource);
    }

    IotHubSourceTask(Function<IotHubSourceConfig, EventSource> sources) {
        this.sources = sources;
    }

    @Override
    public String version() {
        return PluginVersion.of(IotHubSourceTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        config = new IotHubSourceTaskConfig(props);
        mapper = new IotHubRecordMapper(config);
        failOnMalformed = config.errorHandling() == ErrorHandling.FAIL;
        Map<String, ReadPosition> positions = positions();
        ReceiverEvents events = ReceiverEvents.NONE;
        PluginMetrics pluginMetrics = context == null ? null : context.pluginMetrics();
        if (pluginMetrics != null) {
            metrics = new IotHubSourceMetrics(pluginMetrics, positions.keySet(), () -> readers == null ? 0 : readers.buffered());
            events = metrics;
        }
        log.info("Starting IoT Hub source task {} on {} partitions {} through consumer group '{}': {}", config.taskIndex(),
                config.eventHubName(), config.partitions(), config.consumerGroup(), positions);
        readers = new PartitionReaders(sources.apply(config), positions,
                new PartitionReaders.Settings(config.bufferCapacity(), config.bufferMaxBytes(), config.receiveMaxFailures(), config.retryDelay(),
                        config.retryMaxDelay(), config.sequenceGapHandling() == SequenceGapHandling.FAIL),
                events, "iothub-receive-" + config.connectorName() + "-" + config.taskIndex());
        readers.start();
    }

    /** Each partition's position: after its committed sequence number, else the configured start position. */
    private Map<String, ReadPosition> positions() {
        List<Map<String, String>> sourcePartitions = config.partitions().stream()
                .map(id -> SourceOffsets.partition(config.eventHubName(), id)).toList();
        Map<Map<String, String>, Map<String, Object>> committed = Map.of();
        OffsetStorageReader reader = context == null ? null : context.offsetStorageReader();
        if (reader != null) {
            committed = reader.offsets(sourcePartitions);
        }
        Map<String, ReadPosition> positions = new LinkedHashMap<>();
        for (Map<String, String> partition : sourcePartitions) {
            Long sequenceNumber;
            try {
                sequenceNumber = SourceOffsets.sequenceNumber(committed == null ? null : committed.get(partition));
            } catch (ConnectException e) {
                throw new ConnectException("the committed offset of " + partition + " is not one this connector writes ("
                        + e.getMessage() + "); correct it with PATCH /connectors/<name>/offsets, or reset it", e);
            }
            positions.put(partition.get(SourceOffsets.PARTITION_KEY),
                    sequenceNumber == null ? ReadPosition.of(config.startPosition()) : ReadPosition.after(sequenceNumber));
        }
        return positions;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<IotHubEvent> events = readers.poll(config.pollMaxRecords(), config.pollMaxWait());
        if (events.isEmpty()) {
            return null;
        }
        List<SourceRecord> records = new ArrayList<>(events.size());
        for (IotHubEvent event : events) {
            records.add(toRecord(event));
        }
        return records;
    }

    private SourceRecord toRecord(IotHubEvent event) {
        try {
            return mapper.toRecord(event);
        } catch (MalformedEventException e) {
            if (failOnMalformed) {
                // The offset is not committed: the event is read again when the task restarts.
                throw new ConnectException(e.getMessage() + " (" + IotHubSourceConfig.ERROR_HANDLING_CONFIG + "=fail)", e);
            }
            if (metrics != null) {
                metrics.errorRecord();
            }
            log.debug("Sending a malformed event to the error topic: {}", e.getMessage());
            return mapper.errorRecord(event, e);
        }
    }

    @Override
    public void stop() {
        if (readers != null) {
            log.info("Stopping IoT Hub source task {} ({} partitions {})", config.taskIndex(), config.eventHubName(), config.partitions());
            readers.close();
        }
    }
}
