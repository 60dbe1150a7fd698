package io.iotconnect.common.json;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AvroNamesTest {

    @Test
    void validNamesStayAsTheyAre() {
        for (String name : new String[] {"temperature", "_x", "a1", "Temp_C", "_1st"}) {
            assertThat(AvroNames.name(name)).isSameAs(name);
            assertThat(AvroNames.isValidName(name)).as(name).isTrue();
        }
    }

    @Test
    void everyOtherCharacterBecomesAnUnderscoreAndALeadingDigitGetsOne() {
        assertThat(AvroNames.name("temp-c")).isEqualTo("temp_c");
        assertThat(AvroNames.name("1st")).isEqualTo("_1st");
        assertThat(AvroNames.name("9")).isEqualTo("_9");
        assertThat(AvroNames.name("ü")).as("non-ASCII letters too: other languages' Avro readers refuse them").isEqualTo("_");
        assertThat(AvroNames.name("Größe")).isEqualTo("Gr__e");
        assertThat(AvroNames.name("a.b")).isEqualTo("a_b");
        assertThat(AvroNames.name("$x")).isEqualTo("_x");
        assertThat(AvroNames.name("a b")).isEqualTo("a_b");
        assertThat(AvroNames.name("t\uD83D\uDE00")).as("one character outside the BMP is one '_'").isEqualTo("t_");
        assertThat(AvroNames.name("")).isEqualTo("_");
        assertThat(AvroNames.name("1-2")).isEqualTo("_1_2");
    }

    @Test
    void theMappingIsDeterministicAndItsResultsValid() {
        for (String key : new String[] {"temp-c", "1st", "ü", "a.b", "$x", "", "-", "0", "ß9"}) {
            String name = AvroNames.name(key);
            assertThat(AvroNames.name(key)).isEqualTo(name);
            assertThat(name).as(key).matches("[A-Za-z_][A-Za-z0-9_]*");
            assertThat(AvroNames.name(name)).as("idempotent").isEqualTo(name);
        }
    }

    @Test
    void fullNamesAreMadeSegmentBySegment() {
        assertThat(AvroNames.fullName("devices-telemetry")).isEqualTo("devices_telemetry");
        assertThat(AvroNames.fullName("site1.2024.temp-c")).isEqualTo("site1._2024.temp_c");
        assertThat(AvroNames.fullName("a..b.")).isEqualTo("a._.b._");
        assertThat(AvroNames.isValidFullName("io.iotconnect.devices_telemetry")).isTrue();
    }

    @Test
    void invalidFullNames() {
        for (String name : new String[] {"", "a..b", ".a", "a.", "1a.b", "a.b-c", "io.ü", "string", "int"}) {
            assertThat(AvroNames.isValidFullName(name)).as(name).isFalse();
        }
        assertThat(AvroNames.isValidFullName("a.string")).as("only a name without namespace is reserved").isTrue();
    }
}
