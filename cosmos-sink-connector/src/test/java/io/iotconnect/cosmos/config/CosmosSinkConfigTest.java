package io.iotconnect.cosmos.config;

import io.iotconnect.cosmos.CosmosSinkConnector;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CosmosSinkConfigTest {

    private static Map<String, String> props(String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("cosmos.endpoint", "https://account.documents.azure.com:443/");
        props.put("cosmos.key", "c2VjcmV0");
        props.put("cosmos.database", "iot");
        props.put("cosmos.containers.topic.map", "telemetry#readings, alerts#alerts");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    @Test
    void defaultsAndParsedValues() {
        CosmosSinkConfig config = new CosmosSinkConfig(props());
        assertThat(config.containersByTopic()).containsExactly(Map.entry("telemetry", "readings"), Map.entry("alerts", "alerts"));
        assertThat(config.idStrategy()).isEqualTo(IdStrategy.KAFKA_COORDINATES);
        assertThat(config.writeStrategy()).isEqualTo(WriteStrategy.UPSERT);
        assertThat(config.tombstones()).isEqualTo(TombstoneHandling.DELETE);
        assertThat(config.gatewayMode()).isFalse();
        assertThat(config.retryBudget()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.key().toString()).as("never shown").isEqualTo("[hidden]");
        assertThat(new CosmosSinkConfig(props("cosmos.id.strategy", "kafka_coordinates")).idStrategy()).isEqualTo(IdStrategy.KAFKA_COORDINATES);
    }

    @Test
    void invalidValuesNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.endpoint", "http://account:443/")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cosmos.endpoint").hasMessageContaining("https://");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.topic.map", "telemetry")))
                .hasMessageContaining("'telemetry' is not 'topic#container'");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.topic.map", "a#b,a#c")))
                .hasMessageContaining("topic 'a' is mapped twice");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.partition.key.paths", "deviceId")))
                .hasMessageContaining("'deviceId' is not a document path");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.partition.key.paths", "/a,/b,/c,/d")))
                .hasMessageContaining("two or three for a hierarchical key");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.write.strategy", "merge")))
                .hasMessageContaining("cosmos.write.strategy");
    }

    @Test
    void connectorValidationChecksKeysTogether() {
        Map<String, String> props = props("cosmos.id.strategy", "template", "topics", "telemetry,other");
        props.put("connector.class", CosmosSinkConnector.class.getName());
        Config result = new CosmosSinkConnector().validate(props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        assertThat(errors.get("cosmos.id.template")).singleElement().asString().contains("needs a template");
        assertThat(errors.get("cosmos.containers.topic.map")).singleElement().asString()
                .contains("topic 'other' (in topics) has no container");
    }
}
