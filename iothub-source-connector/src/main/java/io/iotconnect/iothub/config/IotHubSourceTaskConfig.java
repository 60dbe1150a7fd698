package io.iotconnect.iothub.config;

import org.apache.kafka.common.config.ConfigDef;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A task's configuration: the connector's, plus the task index and the partitions this task reads. */
public final class IotHubSourceTaskConfig extends IotHubSourceConfig {

    private static final ConfigDef TASK_CONFIG_DEF = new ConfigDef(CONFIG_DEF)
            .defineInternal(TASK_INDEX_CONFIG, ConfigDef.Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.HIGH, "Index of the task, set by the connector.")
            .defineInternal(TASK_PARTITIONS_CONFIG, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, null,
                    ConfigDef.Importance.HIGH, "The task's partition ids, comma-separated, set by the connector.");

    private final List<String> partitions;

    public IotHubSourceTaskConfig(Map<String, String> props) {
        super(TASK_CONFIG_DEF, props);
        this.partitions = Arrays.stream(getString(TASK_PARTITIONS_CONFIG).split(","))
                .map(String::trim).filter(id -> !id.isEmpty()).toList();
    }

    /** The task's properties: the connector's, with its index and partitions added. */
    public static Map<String, String> taskProps(Map<String, String> connectorProps, int index, List<String> partitions) {
        Map<String, String> props = new HashMap<>(connectorProps);
        props.put(TASK_INDEX_CONFIG, Integer.toString(index));
        props.put(TASK_PARTITIONS_CONFIG, String.join(",", partitions));
        return props;
    }

    public int taskIndex() {
        return getInt(TASK_INDEX_CONFIG);
    }

    public List<String> partitions() {
        return partitions;
    }
}
