package io.iotconnect.mqtt.config;

import org.apache.kafka.common.config.ConfigDef;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A task's configuration: the connector's, plus the task index and the filters this task subscribes to. */
public final class MqttSourceTaskConfig extends MqttSourceConnectorConfig {

    /** Filters are joined by newlines: a comma may occur inside an MQTT topic filter. */
    static final String FILTER_SEPARATOR = "\n";

    private static final ConfigDef TASK_CONFIG_DEF = new ConfigDef(CONFIG_DEF)
            .defineInternal(TASK_INDEX_CONFIG, ConfigDef.Type.INT, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Range.atLeast(0), ConfigDef.Importance.HIGH,
                    "Index of the task, set by the connector.")
            .defineInternal(TASK_TOPICS_CONFIG, ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, null, ConfigDef.Importance.HIGH,
                    "The task's topic filters, one per line, set by the connector.");

    private final List<TopicFilter> taskFilters;

    public MqttSourceTaskConfig(Map<String, String> props) {
        super(TASK_CONFIG_DEF, props);
        List<TopicFilter> filters = new ArrayList<>();
        for (String filter : getString(TASK_TOPICS_CONFIG).split(FILTER_SEPARATOR)) {
            if (!filter.isEmpty()) {
                filters.add(TopicFilter.parse(filter));
            }
        }
        this.taskFilters = List.copyOf(filters);
    }

    /** The task's properties: the connector's, with its index and filters added. */
    public static Map<String, String> taskProps(Map<String, String> connectorProps, int index, List<TopicFilter> filters) {
        Map<String, String> props = new java.util.HashMap<>(connectorProps);
        props.put(TASK_INDEX_CONFIG, Integer.toString(index));
        props.put(TASK_TOPICS_CONFIG, String.join(FILTER_SEPARATOR, filters.stream().map(TopicFilter::text).toList()));
        return props;
    }

    public int taskIndex() {
        return getInt(TASK_INDEX_CONFIG);
    }

    public List<TopicFilter> taskFilters() {
        return taskFilters;
    }

    /** The task's stable MQTT client id. */
    public String clientId() {
        return clientIdPrefix() + "-" + taskIndex();
    }
}
