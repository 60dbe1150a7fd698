package io.iotconnect.cosmos;

import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.testing.ConfigReferenceCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class ConfigurationDocsTest {

    @Test
    void committedConfigurationReferenceMatchesTheConfigDef() throws Exception {
        ConfigReferenceCheck.assertCurrent(CosmosSinkConfig.class, "Cosmos DB Sink Connector", Path.of("docs/configuration.md"));
    }
}
