package io.iotconnect.mqtt;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.config.ConfigProblemException;
import io.iotconnect.common.config.CrossKeyValidation;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.mqtt.client.SslContexts;
import io.iotconnect.mqtt.config.CrossKeyChecks;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.mqtt.config.MqttSourceTaskConfig;
import io.iotconnect.mqtt.config.TaskAssignment;
import io.iotconnect.mqtt.config.TopicFilter;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kafka Connect source connector for MQTT 3.1.1 and 5 brokers, at-least-once end to end. See the module README and
 * the configuration reference.
 */
public class MqttSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private MqttSourceConnectorConfig config;

    @Override
    public String version() {
        return PluginVersion.of(MqttSourceConnector.class);
    }

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
        this.config = CrossKeyValidation.requireValid(this.props, MqttSourceConnectorConfig::new, MqttSourceConnector::problems);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MqttSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<List<TopicFilter>> assignment = TaskAssignment.assign(config.topicFilters(), maxTasks);
        List<Map<String, String>> taskConfigs = new ArrayList<>(assignment.size());
        for (int index = 0; index < assignment.size(); index++) {
            taskConfigs.add(MqttSourceTaskConfig.taskProps(props, index, assignment.get(index)));
        }
        return taskConfigs;
    }

    @Override
    public void stop() {
        // Nothing to release: the tasks own the broker connections.
    }

    @Override
    public ConfigDef config() {
        return MqttSourceConnectorConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        return CrossKeyValidation.validate(super.validate(connectorConfigs), connectorConfigs, MqttSourceConnectorConfig::new,
                MqttSourceConnector::problems);
    }

    /** What validate() and start() refuse: the checks across keys, then whether the TLS material loads. */
    static List<ConfigProblem> problems(MqttSourceConnectorConfig config) {
        List<ConfigProblem> problems = new ArrayList<>(CrossKeyChecks.check(config));
        if (config.usesTls()) {
            try {
                SslContexts.socketFactory(config.tls());
            } catch (ConfigProblemException e) {
                problems.add(e.problem());
            }
        }
        return problems;
    }

    /** Messages come from a broker without offsets to replay, so exactly-once source delivery is not possible. */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.UNSUPPORTED;
    }
}
