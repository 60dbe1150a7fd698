package io.iotconnect.mqtt;

import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.testing.ConfigReferenceCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class ConfigurationDocsTest {

    @Test
    void committedConfigurationReferenceMatchesTheConfigDef() throws Exception {
        ConfigReferenceCheck.assertCurrent(MqttSourceConnectorConfig.class, "MQTT Source Connector", Path.of("docs/configuration.md"));
    }
}
