package io.iotconnect.mqtt.mapping;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaTopicTemplateTest {

    @Test
    void fixedTopic() {
        KafkaTopicTemplate template = KafkaTopicTemplate.parse("telemetry");
        assertThat(template.isFixed()).isTrue();
        assertThat(template.resolve("any/thing")).isEqualTo("telemetry");
    }

    @Test
    void levelsFromStartAndEndAndWholeTopic() {
        assertThat(KafkaTopicTemplate.parse("telemetry.${2}").resolve("sites/berlin/dev-7")).isEqualTo("telemetry.berlin");
        assertThat(KafkaTopicTemplate.parse("t.${-1}").resolve("sites/berlin/dev-7")).isEqualTo("t.dev-7");
        assertThat(KafkaTopicTemplate.parse("mqtt.${topic}").resolve("sites/berlin/dev-7")).isEqualTo("mqtt.sites.berlin.dev-7");
        assertThat(KafkaTopicTemplate.parse("${1}-${3}").resolve("a/b/c")).isEqualTo("a-c");
    }

    @Test
    void sanitisesCharactersKafkaRefuses() {
        assertThat(KafkaTopicTemplate.parse("t.${1}").resolve("héllo wörld/x")).isEqualTo("t.h_llo_w_rld");
    }

    @Test
    void missingLevelIsAnError() {
        assertThatThrownBy(() -> KafkaTopicTemplate.parse("t.${3}").resolve("a/b"))
                .hasMessageContaining("has 2 levels, so ${3}");
        assertThatThrownBy(() -> KafkaTopicTemplate.parse("${2}").resolve("a/"))
                .hasMessageContaining("not a valid Kafka topic name");
    }

    @Test
    void rejectsBadTemplates() {
        assertThatThrownBy(() -> KafkaTopicTemplate.parse("t.${x}")).hasMessageContaining("${x}").hasMessageContaining("${N}");
        assertThatThrownBy(() -> KafkaTopicTemplate.parse("t.${0}")).hasMessageContaining("is not valid");
        assertThatThrownBy(() -> KafkaTopicTemplate.parse("t/${1}")).hasMessageContaining("contains '/'");
        assertThatThrownBy(() -> KafkaTopicTemplate.parse("t.${1")).hasMessageContaining("unclosed placeholder");
        assertThatThrownBy(() -> KafkaTopicTemplate.parse(" ")).hasMessageContaining("empty");
    }
}
