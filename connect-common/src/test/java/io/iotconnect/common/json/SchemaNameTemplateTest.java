package io.iotconnect.common.json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaNameTemplateTest {

    @Test
    void theTopicIsMadeAValidFullNameSegmentBySegment() {
        SchemaNameTemplate template = SchemaNameTemplate.parse("io.iotconnect.${topic}");
        assertThat(template.usesTopic()).isTrue();
        assertThat(template.resolve("devices-telemetry")).isEqualTo("io.iotconnect.devices_telemetry");
        assertThat(template.resolve("site1.2024.readings")).isEqualTo("io.iotconnect.site1._2024.readings");
        assertThat(template.resolve("a..b")).isEqualTo("io.iotconnect.a._.b");
        assertThat(SchemaNameTemplate.parse(" ${topic}.Value ").resolve("t-1")).isEqualTo("t_1.Value");
        assertThat(SchemaNameTemplate.parse("x.${topic}_${topic}").resolve("a.b")).isEqualTo("x.a.b_a.b");
    }

    @Test
    void aTemplateOfTheTopicAloneNeverNamesATypeLikeAPrimitive() {
        SchemaNameTemplate template = SchemaNameTemplate.parse("${topic}");
        assertThat(template.resolve("string")).isEqualTo("string_");
        assertThat(template.resolve("1st")).isEqualTo("_1st");
        assertThat(template.resolve("a.string")).isEqualTo("a.string");
    }

    @Test
    void aTemplateWithoutThePlaceholderIsAFixedName() {
        SchemaNameTemplate template = SchemaNameTemplate.parse("io.iotconnect.Reading");
        assertThat(template.usesTopic()).isFalse();
        assertThat(template.resolve("a")).isEqualTo("io.iotconnect.Reading");
        assertThat(template.resolve(null)).isEqualTo("io.iotconnect.Reading");
    }

    @Test
    void templatesThatCannotMakeAValidFullNameAreRefusedWithTheFix() {
        for (String text : new String[] {"io-iotconnect.${topic}", "1io.${topic}", "io..${topic}", ".${topic}", "${topic}.",
                "${topic}-value", "io.ü.${topic}", "string", "io.${topic} x"}) {
            assertThatThrownBy(() -> SchemaNameTemplate.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot make a valid Avro full name")
                    .hasMessageContaining("such as io.iotconnect.${topic}");
        }
        assertThatThrownBy(() -> SchemaNameTemplate.parse("io.${device}"))
                .hasMessageContaining("${device}").hasMessageContaining("the only placeholder is ${topic}");
        assertThatThrownBy(() -> SchemaNameTemplate.parse("io.${topic")).hasMessageContaining("${topic");
        assertThatThrownBy(() -> SchemaNameTemplate.parse(" ")).hasMessageContaining("must not be empty");
    }
}
