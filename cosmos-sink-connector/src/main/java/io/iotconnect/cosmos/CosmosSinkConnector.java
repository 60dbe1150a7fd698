package io.iotconnect.cosmos;

import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.config.IdStrategy;
import io.iotconnect.cosmos.config.WriteStrategy;
import io.iotconnect.common.config.Validators;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kafka Connect sink connector for Azure Cosmos DB for NoSQL. See the module README and the configuration reference. */
public class CosmosSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return PluginVersion.of(CosmosSinkConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        CosmosSinkConfig config = new CosmosSinkConfig(this.props);
        String problem = crossKeyProblem(config);
        if (problem != null) {
            throw new ConfigException(problem);
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return CosmosSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        // Tasks own the clients.
    }

    @Override
    public ConfigDef config() {
        return CosmosSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().anyMatch(value -> !value.errorMessages().isEmpty())) {
            return result;
        }
        CosmosSinkConfig config = new CosmosSinkConfig(connectorConfigs);
        Map.Entry<String, String> auth = config.authProblem();
        if (auth != null) {
            error(result, auth.getKey(), auth.getValue());
        }
        IdStrategy strategy = config.idStrategy();
        if (strategy == IdStrategy.TEMPLATE && config.idTemplate().isBlank()) {
            error(result, CosmosSinkConfig.ID_TEMPLATE_CONFIG, "cosmos.id.strategy=template needs a template, like ${deviceId}-${ts}");
        }
        if (strategy == IdStrategy.FIELD && config.idField().isBlank()) {
            error(result, CosmosSinkConfig.ID_FIELD_CONFIG, "cosmos.id.strategy=field needs the field holding the id");
        }
        if (config.writeStrategy() == WriteStrategy.UPSERT_IF_NEWER && config.newerField().isBlank()) {
            error(result, CosmosSinkConfig.NEWER_FIELD_CONFIG, "cosmos.write.strategy=upsert-if-newer needs the field that "
                    + "orders documents, like ts");
        }
        if ((config.writeStrategy() == WriteStrategy.PATCH || config.writeStrategy() == WriteStrategy.UPSERT_IF_NEWER)
                && strategy == IdStrategy.KAFKA_COORDINATES) {
            error(result, CosmosSinkConfig.ID_STRATEGY_CONFIG, "cosmos.write.strategy=" + Validators.configName(config.writeStrategy())
                    + " updates a stored document, but kafka-coordinates ids give every record a document of its own; use "
                    + "cosmos.id.strategy=key, field or template so that the records of a device share one document");
        }
        String topics = connectorConfigs.getOrDefault("topics", "");
        for (String topic : topics.split(",")) {
            if (!topic.isBlank() && !config.containersByTopic().containsKey(topic.trim())) {
                error(result, CosmosSinkConfig.CONTAINERS_CONFIG, "topic '" + topic.trim() + "' (in topics) has no container; "
                        + "add " + topic.trim() + "#<container>");
            }
        }
        return result;
    }

    private static String crossKeyProblem(CosmosSinkConfig config) {
        Map.Entry<String, String> auth = config.authProblem();
        if (auth != null) {
            return auth.getKey() + ": " + auth.getValue();
        }
        if (config.idStrategy() == IdStrategy.TEMPLATE && config.idTemplate().isBlank()) {
            return CosmosSinkConfig.ID_TEMPLATE_CONFIG + ": cosmos.id.strategy=template needs a template, like ${deviceId}-${ts}";
        }
        return null;
    }

    private static void error(Config result, String key, String message) {
        for (ConfigValue value : result.configValues()) {
            if (value.name().equals(key)) {
                value.addErrorMessage(message);
            }
        }
    }
}
