package io.iotconnect.datalake;

import io.iotconnect.common.config.CrossKeyValidation;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect sink connector for Azure Data Lake Storage Gen2: exactly-once Parquet, Avro and JSON-lines files. See
 * the module README and the configuration reference.
 */
public class DataLakeSinkConnector extends SinkConnector {

    /** The connector's name, passed to its tasks: each connector keeps its own index and temporary files in the lake. */
    static final String CONNECTOR_NAME_PROPERTY = "name";

    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.of(DataLakeSinkConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        CrossKeyValidation.requireValid(this.props, DataLakeSinkConfig::new, DataLakeSinkConfig::problems);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return DataLakeSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(new HashMap<>(props));
        }
        return configs;
    }

    @Override
    public void stop() {
        // Tasks own the clients.
    }

    @Override
    public ConfigDef config() {
        return DataLakeSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.validate(super.validate(connectorConfigs), connectorConfigs, DataLakeSinkConfig::new,
                DataLakeSinkConfig::problems);
    }
}
