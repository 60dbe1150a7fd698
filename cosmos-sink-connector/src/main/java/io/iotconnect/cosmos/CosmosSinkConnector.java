package io.iotconnect.cosmos;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.config.CrossKeyValidation;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.common.config.Validators;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.config.IdStrategy;
import io.iotconnect.cosmos.config.WriteStrategy;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
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
        CrossKeyValidation.requireValid(this.props, CosmosSinkConfig::new, config -> problems(config, this.props));
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
        return CrossKeyValidation.validate(super.validate(connectorConfigs), connectorConfigs, CosmosSinkConfig::new,
                config -> problems(config, connectorConfigs));
    }

    /**
     * What validate() and start() refuse: the settings that are wrong together, each on the key to fix. The props
     * give Connect's own {@code topics} list.
     */
    static List<ConfigProblem> problems(CosmosSinkConfig config, Map<String, String> props) {
        List<ConfigProblem> problems = new ArrayList<>();
        config.authProblem().ifPresent(problems::add);
        IdStrategy strategy = config.idStrategy();
        if (strategy == IdStrategy.TEMPLATE && config.idTemplate().isEmpty()) {
            problems.add(new ConfigProblem(CosmosSinkConfig.ID_TEMPLATE_CONFIG,
                    CosmosSinkConfig.ID_STRATEGY_CONFIG + "=template needs a template, like ${value.deviceId}-${value.ts}"));
        }
        if (strategy == IdStrategy.FIELD && config.idField().isBlank()) {
            problems.add(new ConfigProblem(CosmosSinkConfig.ID_FIELD_CONFIG,
                    CosmosSinkConfig.ID_STRATEGY_CONFIG + "=field needs the field holding the id"));
        }
        if (config.writeStrategy() == WriteStrategy.UPSERT_IF_NEWER && config.newerField().isBlank()) {
            problems.add(new ConfigProblem(CosmosSinkConfig.NEWER_FIELD_CONFIG, CosmosSinkConfig.WRITE_STRATEGY_CONFIG
                    + "=upsert-if-newer needs the field that orders documents, like ts"));
        }
        if ((config.writeStrategy() == WriteStrategy.PATCH || config.writeStrategy() == WriteStrategy.UPSERT_IF_NEWER)
                && strategy == IdStrategy.KAFKA_COORDINATES) {
            problems.add(new ConfigProblem(CosmosSinkConfig.ID_STRATEGY_CONFIG, CosmosSinkConfig.WRITE_STRATEGY_CONFIG + "="
                    + Validators.configName(config.writeStrategy()) + " updates a stored document, but kafka-coordinates ids "
                    + "give every record a document of its own; use " + CosmosSinkConfig.ID_STRATEGY_CONFIG + "=key, field or "
                    + "template so that the records of a device share one document"));
        }
        for (String topic : props.getOrDefault(TOPICS_CONFIG, "").split(",")) {
            if (!topic.isBlank() && !config.containersByTopic().containsKey(topic.trim())) {
                problems.add(new ConfigProblem(CosmosSinkConfig.CONTAINERS_CONFIG, "topic '" + topic.trim() + "' (in "
                        + TOPICS_CONFIG + ") has no container; add " + topic.trim() + "#<container>"));
            }
        }
        return problems;
    }
}
