package io.iotconnect.localstack;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalStackOptionsTest {

    @Test
    void avroIsAFlagAnywhereAmongTheOptionsAndOffByDefault() {
        LocalStack.Options avro = LocalStack.Options.parse(new String[] {"--duration", "60", "--avro", "--devices", "3"});
        assertThat(avro.avro()).isTrue();
        assertThat(avro.durationSeconds()).isEqualTo(60);
        assertThat(avro.devices()).isEqualTo(3);
        assertThat(LocalStack.Options.parse(new String[] {"--avro"}).avro()).isTrue();
        assertThat(LocalStack.Options.parse(new String[] {"--duration", "5"}).avro()).isFalse();
        assertThat(new LocalStack.Options(5, 10, 1).avro()).isFalse();
    }

    @Test
    void avroTakesNoValue() {
        assertThatThrownBy(() -> LocalStack.Options.parse(new String[] {"--avro", "http://registry:8080"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown option http://registry:8080");
    }

    @Test
    void subjectsAreListedWithTheirVersionCounts() {
        Map<String, Integer> versions = new LinkedHashMap<>();
        versions.put("alerts-value", 1);
        versions.put("telemetry-value", 2);
        assertThat(RegistrySubjects.describe(versions)).isEqualTo("alerts-value 1 version, telemetry-value 2 versions");
        assertThat(RegistrySubjects.describe(Map.of())).isEqualTo("no subjects");
    }
}
