package io.iotconnect.anomaly;

import io.iotconnect.testing.ConfigReferenceCheck;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

class ConfigurationDocsTest {

    @Test
    void committedConfigurationReferenceMatchesTheConfigDefs() throws Exception {
        ConfigReferenceCheck.assertCurrent(List.of(ValidateReading.class, FlagAnomaly.class, IsAnomaly.class, IsInvalid.class),
                "Anomaly SMTs", Path.of("docs/configuration.md"));
    }
}
