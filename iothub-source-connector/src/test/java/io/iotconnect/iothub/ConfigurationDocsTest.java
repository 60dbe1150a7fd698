package io.iotconnect.iothub;

import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.testing.ConfigReferenceCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class ConfigurationDocsTest {

    @Test
    void committedConfigurationReferenceMatchesTheConfigDef() throws Exception {
        ConfigReferenceCheck.assertCurrent(IotHubSourceConfig.class, "IoT Hub Source Connector", Path.of("docs/configuration.md"));
    }
}
