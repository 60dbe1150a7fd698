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
        List<Map.Entry<String, String>> problems = crossKeyProblems(config, this.props.getOrDefault("topics", ""));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().map(problem -> problem.getKey() + ": " + problem.getValue())
                    .collect(java.util.stream.Collectors.joining("; ")));
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
        for (Map.Entry<String, String> problem : crossKeyProblems(config, connectorConfigs.getOrDefault("topics", ""))) {
            error(result, problem.getKey(), problem.getValue());
        }
        return result;
    }

    /** What the settings get wrong together, as the key to fix and the message; validation and start() share it. */
    static List<Map.Entry<String, String>> crossKeyProblems(CosmosSinkConfig config, String topics) {
        List<Map.Entry<String, String>> problems = new ArrayList<>();
        Map.Entry<String, String> auth = config.authProblem();
        if (auth != null) {
            problems.add(auth);
        }
        IdStrategy strategy = config.idStrategy();
        if (strategy == IdStrategy.TEMPLATE && config.idTemplate().isEmpty()) {
            problems.add(Map.entry(CosmosSinkConfig.ID_TEMPLATE_CONFIG,
                    "cosmos.id.strategy=template needs a template, like ${value.deviceId}-${value.ts}"));
        }
        if (strategy == IdStrategy.FIELD && config.idField().isBlank()) {
            problems.add(Map.entry(CosmosSinkConfig.ID_FIELD_CONFIG, "cosmos.id.strategy=field needs the field holding the id"));
        }
        if (config.writeStrategy() == WriteStrategy.UPSERT_IF_NEWER && config.newerField().isBlank()) {
            problems.add(Map.entry(CosmosSinkConfig.NEWER_FIELD_CONFIG, "cosmos.write.strategy=upsert-if-newer needs the field "
                    + "that orders documents, like ts"));
        }
        if ((config.writeStrategy() == WriteStrategy.PATCH || config.writeStrategy() == WriteStrategy.UPSERT_IF_NEWER)
                && strategy == IdStrategy.KAFKA_COORDINATES) {
            problems.add(Map.entry(CosmosSinkConfig.ID_STRATEGY_CONFIG, "cosmos.write.strategy="
                    + Validators.configName(config.writeStrategy()) + " updates a stored document, but kafka-coordinates ids "
                    + "give every record a document of its own; use cosmos.id.strategy=key, field or template so that the "
                    + "records of a device share one document"));
        }
        for (String topic : topics.split(",")) {
            if (!topic.isBlank() && !config.containersByTopic().containsKey(topic.trim())) {
                problems.add(Map.entry(CosmosSinkConfig.CONTAINERS_CONFIG, "topic '" + topic.trim() + "' (in topics) has no "
                        + "container; add " + topic.trim() + "#<container>"));
            }
        }
        return problems;
    }

    private static void error(Config result, String key, String message) {
        for (ConfigValue value : result.configValues()) {
            if (value.name().equals(key)) {
                value.addErrorMessage(message);
            }
        }
    }
}
