package io.iotconnect.common.source;

import io.iotconnect.common.config.Durations;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeviceInputTest {

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse(" 6D ")).isEqualTo(Duration.ofDays(6));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
        for (String bad : List.of("", "15", "15 minutes", "-5m", "P-1D", "1.5h")) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).hasMessageContaining("is not a duration");
        }
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofDays(6))).isEqualTo("6d");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void theWindowNamesHowFarOutsideATimeIsAndTheBoundItBroke() {
        DeviceTimeWindow window = new DeviceTimeWindow(Duration.ofMinutes(15), Duration.ofDays(6), DeviceTimeWindow.OutOfRange.FALLBACK,
                "x.max.future=15m", "x.max.past=6d");
        long now = Instant.parse("2026-12-07T22:00:00Z").toEpochMilli();
        assertThat(window.outside(now + 15 * 60_000, now)).isNull();
        assertThat(window.outside(now - 6 * 86_400_000L, now)).isNull();
        assertThat(window.outside(now + 15 * 60_000 + 1, now)).isEqualTo("device time 2026-12-07T22:15:00.001Z is 15m ahead of "
                + "the connector's clock, beyond x.max.future=15m");
        assertThat(window.outside(now - (6 * 86_400_000L + 3_600_000L), now)).endsWith("is 6d 1h behind the connector's clock, "
                + "beyond x.max.past=6d");
        assertThat(DeviceTimeWindow.describe(3_723_000)).isEqualTo("1h 2m");
        assertThat(DeviceTimeWindow.describe(45_000)).isEqualTo("45s");
        assertThat(DeviceTimeWindow.describe(250)).isEqualTo("250ms");
    }

    @Test
    void headerLimitsKeepTheFirstPropertiesThatFitByCountAndBytes() {
        HeaderLimits limits = new HeaderLimits(3, 20, HeaderLimits.Overflow.TRUNCATE, "x.count", "x.bytes");
        assertThat(limits.fitting(List.of(Map.entry("a", "1"), Map.entry("b", "2")))).isEqualTo(2);
        assertThat(limits.fitting(List.of(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"), Map.entry("d", "4"))))
                .isEqualTo(3);
        assertThat(limits.fitting(List.of(Map.entry("a", "1"), Map.entry("big", "x".repeat(30)), Map.entry("c", "3"))))
                .as("an oversized one ends the run: order is kept").isEqualTo(1);
        assertThat(limits.reason("properties", List.of(Map.entry("a", "1"), Map.entry("big", "x".repeat(30)))))
                .isEqualTo("2 properties of 35 bytes exceed x.count=3 or x.bytes=20");
        assertThat(HeaderLimits.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
    }
}
