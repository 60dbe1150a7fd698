package io.iotconnect.common.docs;

import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigReferenceTest {

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define("a.uri", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
                    "Where to connect | pipes escaped, <tags> too.", "Connection", 1, ConfigDef.Width.LONG, "URI")
            .define("a.secret", ConfigDef.Type.PASSWORD, "s3cr3t", ConfigDef.Importance.MEDIUM,
                    "A secret.", "Connection", 2, ConfigDef.Width.LONG, "Secret")
            .define("b.size", ConfigDef.Type.INT, 10, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "A size.", "Tuning", 1, ConfigDef.Width.SHORT, "Size");

    @Test
    void rendersGroupsKeysDefaultsAndHidesSecrets() throws Exception {
        String md = ConfigReference.markdown("Test reference", ConfigReference.configDef(ConfigReferenceTest.class));
        assertThat(md).startsWith("# Test reference");
        assertThat(md).contains("- [Connection](#connection)", "## Tuning", "### `b.size`", "| Default | `10` |",
                "| Valid values | [1,...] |", "| Default | required |", "| Default | [hidden] |", "pipes escaped", "&lt;tags&gt; too");
        assertThat(md).doesNotContain("s3cr3t");
        assertThat(md.indexOf("a.uri")).isLessThan(md.indexOf("a.secret"));
    }
}
