package io.iotconnect.iothub.config;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StartPositionTest {

    @Test
    void parsesEarliestLatestAndIsoTimesWithAnOffset() {
        assertThat(StartPosition.parse("earliest")).isEqualTo(StartPosition.EARLIEST);
        assertThat(StartPosition.parse(" LATEST ")).isEqualTo(StartPosition.LATEST);
        assertThat(StartPosition.parse("2026-01-02T03:04:05Z").enqueuedAfter()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(StartPosition.parse("2026-01-02T04:04:05.5+01:00").enqueuedAfter()).isEqualTo(Instant.parse("2026-01-02T03:04:05.5Z"));
    }

    @Test
    void refusesATimeWithoutAnOffsetAndAnythingElse() {
        assertThatThrownBy(() -> StartPosition.parse("2026-01-02T03:04:05")).hasMessageContaining("earliest, latest nor an ISO-8601");
        assertThatThrownBy(() -> StartPosition.parse("beginning")).hasMessageContaining("like 2026-01-02T03:04:05Z");
        assertThatThrownBy(() -> StartPosition.parse("")).isInstanceOf(IllegalArgumentException.class);
    }
}
