package io.iotconnect.common.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidatorsTest {

    enum Mode { ERROR_TOPIC, FAIL }

    @Test
    void enumValuesAreWrittenLowerCaseWithDashes() {
        assertThat(Validators.names(Mode.class)).containsExactly("error-topic", "fail");
        assertThat(Validators.parseEnum(Mode.class, "Error_Topic")).isEqualTo(Mode.ERROR_TOPIC);
        Validators.oneOf(Mode.class).ensureValid("k", "fail");
        assertThatThrownBy(() -> Validators.oneOf(Mode.class).ensureValid("k", "drop"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("k")
                .hasMessageContaining("use one of [error-topic, fail]");
    }

    @Test
    void nonEmptyListRejectsEmptyListsAndElements() {
        Validators.nonEmptyList().ensureValid("k", List.of("a"));
        assertThatThrownBy(() -> Validators.nonEmptyList().ensureValid("k", List.of()))
                .hasMessageContaining("at least one value");
        assertThatThrownBy(() -> Validators.nonEmptyList().ensureValid("k", List.of("a", " ")))
                .hasMessageContaining("empty element");
    }

    @Test
    void kafkaTopicNames() {
        Validators.kafkaTopic(false).ensureValid("k", "telemetry.raw_1-a");
        Validators.kafkaTopic(true).ensureValid("k", "");
        assertThatThrownBy(() -> Validators.kafkaTopic(false).ensureValid("k", "bad/topic"))
                .hasMessageContaining("not a valid Kafka topic name");
        assertThatThrownBy(() -> Validators.kafkaTopic(false).ensureValid("k", ""))
                .isInstanceOf(ConfigException.class);
        assertThat(Validators.isValidKafkaTopic("..")).isFalse();
    }

    @Test
    void parsedByNamesTheKeyWithTheParsersMessage() {
        ConfigDef.Validator positive = Validators.parsedBy("a positive number", text -> {
            if (Integer.parseInt(text) <= 0) {
                throw new IllegalArgumentException("must be above zero");
            }
        });
        positive.ensureValid("k", "3");
        assertThatThrownBy(() -> positive.ensureValid("k", "-1"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("k")
                .hasMessageContaining("must be above zero");
        assertThatThrownBy(() -> positive.ensureValid("k", "x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("For input string");
        assertThat(positive.toString()).isEqualTo("a positive number");
    }

    @Test
    void regexMustCompile() {
        Validators.regex().ensureValid("k", "");
        Validators.regex().ensureValid("k", "sensor-[0-9]{3}");
        assertThatThrownBy(() -> Validators.regex().ensureValid("k", "sensor-[0-9"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not a valid regular expression");
    }
}
