package io.iotconnect.common.config;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrossKeyValidationTest {

    private static final String LOW = "test.low";
    private static final String HIGH = "test.high";
    private static final String SECRET = "test.secret";

    private static final ConfigDef DEF = new ConfigDef()
            .define(LOW, ConfigDef.Type.INT, 0, ConfigDef.Range.atLeast(0), ConfigDef.Importance.HIGH, "low")
            .define(HIGH, ConfigDef.Type.INT, 10, ConfigDef.Range.atLeast(0), ConfigDef.Importance.HIGH, "high")
            .define(SECRET, ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.HIGH, "secret");

    /** A config class whose constructor refuses what no single validator sees. */
    static final class RangeConfig extends AbstractConfig {
        RangeConfig(Map<String, String> props) {
            super(DEF, props);
            if (getInt(LOW) == 7) {
                throw new ConfigException(LOW, 7, "7 is refused while parsing");
            }
        }

        int low() {
            return getInt(LOW);
        }

        int high() {
            return getInt(HIGH);
        }
    }

    private static List<ConfigProblem> checks(RangeConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (config.low() > config.high()) {
            problems.add(new ConfigProblem(LOW, "must not exceed " + HIGH + "; lower it"));
            problems.add(new ConfigProblem(HIGH, "must be at least " + LOW + "; raise it"));
        }
        return problems;
    }

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put(SECRET, "hunter2");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    private static Config validate(Map<String, String> props) {
        return CrossKeyValidation.validate(new Config(DEF.validate(props)), props, RangeConfig::new,
                CrossKeyValidationTest::checks);
    }

    private static Map<String, List<String>> errors(Config config) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : config.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    @Test
    void aValidConfigHasNoErrors() {
        assertThat(errors(validate(props("test.low", "1", "test.high", "2")))).isEmpty();
        assertThat(CrossKeyValidation.requireValid(props("test.low", "1"), RangeConfig::new, CrossKeyValidationTest::checks).low())
                .isEqualTo(1);
    }

    @Test
    void eachProblemGoesOnItsKey() {
        assertThat(errors(validate(props("test.low", "5", "test.high", "2"))))
                .containsOnly(Map.entry(LOW, List.of("must not exceed test.high; lower it")),
                        Map.entry(HIGH, List.of("must be at least test.low; raise it")));
    }

    @Test
    void fieldErrorsComeFirstAndSkipTheChecks() {
        AtomicInteger parsed = new AtomicInteger();
        Map<String, String> props = props("test.low", "5", "test.high", "-1");
        Config result = CrossKeyValidation.validate(new Config(DEF.validate(props)), props, p -> {
            parsed.incrementAndGet();
            return new RangeConfig(p);
        }, CrossKeyValidationTest::checks);
        assertThat(errors(result)).containsOnlyKeys(HIGH);
        assertThat(parsed).as("not parsed when a field has errors").hasValue(0);
    }

    @Test
    void aConfigExceptionWhileParsingFailsValidation() {
        Map<String, List<String>> errors = errors(validate(props("test.low", "7")));
        assertThat(errors).containsOnlyKeys(CrossKeyValidation.PARSE_ERROR_NAME);
        assertThat(errors.get(CrossKeyValidation.PARSE_ERROR_NAME)).singleElement().asString()
                .contains("7 is refused while parsing");
    }

    @Test
    void aProblemOnAKeyOutsideTheResultsIsStillReported() {
        Map<String, String> props = props();
        Config result = CrossKeyValidation.validate(new Config(DEF.validate(props)), props, RangeConfig::new,
                config -> List.of(new ConfigProblem("topics", "needs a topic")));
        assertThat(errors(result)).containsOnly(Map.entry("topics", List.of("needs a topic")));
    }

    @Test
    void startNamesEveryProblemWithItsKeyAndNoValue() {
        assertThatThrownBy(() -> CrossKeyValidation.requireValid(props("test.low", "5", "test.high", "2"), RangeConfig::new,
                CrossKeyValidationTest::checks))
                .isInstanceOf(ConfigException.class)
                .hasMessage("test.low: must not exceed test.high; lower it; test.high: must be at least test.low; raise it")
                .message().doesNotContain("hunter2");
    }

    @Test
    void startPropagatesAParseError() {
        assertThatThrownBy(() -> CrossKeyValidation.requireValid(props("test.low", "7"), RangeConfig::new,
                CrossKeyValidationTest::checks))
                .isInstanceOf(ConfigException.class).hasMessageContaining("7 is refused while parsing");
    }

    @Test
    void aProblemExceptionCarriesItsKey() {
        ConfigProblemException e = new ConfigProblemException(LOW, "test.low: cannot read", new IllegalStateException());
        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessage("test.low: cannot read");
        assertThat(e.problem()).isEqualTo(new ConfigProblem(LOW, "test.low: cannot read"));
        assertThat(e.key()).isEqualTo(LOW);
        assertThat(new ConfigProblem(LOW, "m").describe()).isEqualTo("test.low: m");
    }
}
