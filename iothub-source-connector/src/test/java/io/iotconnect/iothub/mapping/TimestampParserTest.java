package io.iotconnect.iothub.mapping;

import io.iotconnect.iothub.config.TimestampFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampParserTest {

    private static final long MILLIS = 1_795_341_600_123L;
    private final TimestampParser auto = new TimestampParser(TimestampFormat.AUTO);

    @Test
    void autoTellsSecondsFromMillisByMagnitudeAndReadsIsoWithAnOffset() {
        assertThat(auto.toEpochMillis(MILLIS)).isEqualTo(MILLIS);
        assertThat(auto.toEpochMillis("1795341600123")).isEqualTo(MILLIS);
        assertThat(auto.toEpochMillis(1_795_341_600.123)).isEqualTo(MILLIS);
        assertThat(auto.toEpochMillis("1795341600.123")).isEqualTo(MILLIS);
        assertThat(auto.toEpochMillis("2026-11-22T10:00:00.123Z")).isEqualTo(MILLIS);
        assertThat(auto.toEpochMillis("2026-11-22T11:00:00.123+01:00")).isEqualTo(MILLIS);
    }

    @Test
    void autoRefusesMicrosecondsTimesWithoutZoneBefore1970AndOtherTypes() {
        assertThatThrownBy(() -> auto.toEpochMillis(MILLIS * 1000)).hasMessageContaining("micro- or nanoseconds");
        assertThatThrownBy(() -> auto.toEpochMillis("2026-11-22T10:00:00")).hasMessageContaining("with an offset or Z");
        assertThatThrownBy(() -> auto.toEpochMillis(-5)).hasMessageContaining("before 1970");
        assertThatThrownBy(() -> auto.toEpochMillis("1960-01-01T00:00:00Z")).hasMessageContaining("before 1970");
        assertThatThrownBy(() -> auto.toEpochMillis(Double.NaN)).hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> auto.toEpochMillis(true)).hasMessageContaining("got true");
        assertThatThrownBy(() -> auto.toEpochMillis(java.util.Map.of())).hasMessageContaining("an object");
    }

    @Test
    void fixedFormatsReadOneUnit() {
        assertThat(new TimestampParser(TimestampFormat.EPOCH_MILLIS).toEpochMillis(1000)).isEqualTo(1000);
        assertThat(new TimestampParser(TimestampFormat.EPOCH_SECONDS).toEpochMillis("1.5")).isEqualTo(1500);
        assertThat(new TimestampParser(TimestampFormat.EPOCH_MILLIS).toEpochMillis(MILLIS * 1000)).isEqualTo(MILLIS * 1000);
        assertThat(new TimestampParser(TimestampFormat.ISO_8601).toEpochMillis("1970-01-01T00:00:01Z")).isEqualTo(1000);
        assertThatThrownBy(() -> new TimestampParser(TimestampFormat.ISO_8601).toEpochMillis(5)).hasMessageContaining("ISO-8601 string");
        assertThatThrownBy(() -> new TimestampParser(TimestampFormat.EPOCH_SECONDS).toEpochMillis("soon")).hasMessageContaining("epoch seconds");
        assertThatThrownBy(() -> new TimestampParser(TimestampFormat.EPOCH_MILLIS).toEpochMillis(1e300)).hasMessageContaining("beyond");
    }
}
