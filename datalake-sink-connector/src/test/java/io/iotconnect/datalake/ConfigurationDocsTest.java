package io.iotconnect.datalake;

import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.testing.ConfigReferenceCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

class ConfigurationDocsTest {

    @Test
    void committedConfigurationReferenceMatchesTheConfigDef() throws Exception {
        ConfigReferenceCheck.assertCurrent(DataLakeSinkConfig.class, "ADLS Gen2 Sink Connector", Path.of("docs/configuration.md"));
    }
}
