package io.iotconnect.iothub;

import io.iotconnect.common.config.CrossKeyValidation;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.iothub.client.EventHubClients;
import io.iotconnect.iothub.client.EventSource;
import io.iotconnect.iothub.config.CrossKeyChecks;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.config.IotHubSourceTaskConfig;
import io.iotconnect.iothub.config.PartitionAssignment;
import io.iotconnect.iothub.mapping.SourceOffsets;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Kafka Connect source connector for Azure IoT Hub's built-in Event Hubs-compatible endpoint (or any Event Hub). It
 * looks up the hub's partitions when it starts, deals them to tasks round-robin, and watches for added partitions.
 * See the module README and the configuration reference.
 */
public class IotHubSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(IotHubSourceConnector.class);

    private final Function<IotHubSourceConfig, EventSource> sources;
    private Map<String, String> props;
    private IotHubSourceConfig config;
    private EventSource source;
    private PartitionMonitor monitor;
    private volatile List<String> partitions = List.of();

    public IotHubSourceConnector() {
        this(EventHubClients::eventSource);
    }

    IotHubSourceConnector(Function<IotHubSourceConfig, EventSource> sources) {
        this.sources = sources;
    }

    @Override
    public String version() {
        return PluginVersion.of(IotHubSourceConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        this.config = CrossKeyValidation.requireValid(this.props, IotHubSourceConfig::new, CrossKeyChecks::check);
        source = sources.apply(config);
        try {
            partitions = PartitionAssignment.sorted(source.partitionIds());
        } catch (RuntimeException e) {
            source.close();
            source = null;
            throw new ConnectException("Could not look up the partitions of event hub '" + config.eventHubName() + "' (check "
                    + IotHubSourceConfig.AUTH_TYPE_CONFIG + " and its keys, and that the endpoint is reachable): " + e, e);
        }
        log.info("Event hub {} has partitions {}; reading them through consumer group '{}'", config.eventHubName(), partitions,
                config.consumerGroup());
        if (!config.partitionCheckInterval().isZero()) {
            monitor = new PartitionMonitor(source, partitions, config.partitionCheckInterval(), changed -> {
                partitions = changed;
                context().requestTaskReconfiguration();
            }, "iothub-partition-monitor-" + config.connectorName());
        } else {
            source.close();
            source = null;
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return IotHubSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<List<String>> assignment = PartitionAssignment.assign(partitions, maxTasks);
        List<Map<String, String>> taskConfigs = new ArrayList<>(assignment.size());
        for (int index = 0; index < assignment.size(); index++) {
            taskConfigs.add(IotHubSourceTaskConfig.taskProps(props, index, assignment.get(index)));
        }
        return taskConfigs;
    }

    @Override
    public void stop() {
        if (monitor != null) {
            monitor.close();
            monitor = null;
        }
        if (source != null) {
            source.close();
            source = null;
        }
    }

    @Override
    public ConfigDef config() {
        return IotHubSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.validate(super.validate(connectorConfigs), connectorConfigs, IotHubSourceConfig::new,
                CrossKeyChecks::check);
    }

    /**
     * Events carry per-partition sequence numbers, and a task resumes right after the last one Kafka has, so with
     * {@code exactly.once.source.support=enabled} Connect commits each record with its offset in one transaction.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * Accepts offsets written by {@code PATCH /connectors/<name>/offsets} (KIP-875) when each is one this connector
     * writes, for this connector's hub: {@code {"eventhub": <hub>, "partition": <id>}} with
     * {@code {"sequenceNumber": n}} (reading resumes after event n), or a null offset (the partition then starts at
     * {@value IotHubSourceConfig#START_POSITION_CONFIG}). Nothing needs to change in the hub: the offsets live in Connect.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        String hub;
        try {
            hub = new IotHubSourceConfig(connectorConfig).eventHubName();
        } catch (ConfigException e) {
            throw new ConnectException("cannot check the offsets against an invalid connector configuration: " + e.getMessage(), e);
        }
        for (Map.Entry<Map<String, ?>, Map<String, ?>> entry : offsets.entrySet()) {
            SourceOffsets.validate(entry.getKey(), entry.getValue());
            Object offsetHub = entry.getKey().get(SourceOffsets.EVENTHUB_KEY);
            if (entry.getValue() != null && !hub.isEmpty() && !hub.equals(offsetHub)) {
                throw new ConnectException("source partition " + entry.getKey() + " names event hub '" + offsetHub
                        + "', but this connector reads '" + hub + "'; write \"" + SourceOffsets.EVENTHUB_KEY + "\": \"" + hub + "\"");
            }
        }
        return true;
    }
}
