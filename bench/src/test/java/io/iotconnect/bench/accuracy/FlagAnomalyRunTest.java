package io.iotconnect.bench.accuracy;

import io.iotconnect.bench.accuracy.FlagAnomalyRun.Alarms;
import io.iotconnect.bench.accuracy.FlagAnomalyRun.ValueFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FlagAnomalyRunTest {

    private static LabelledSeries series(double... values) {
        long[] times = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            times[i] = 1_400_000_000_000L + i * 300_000L;
        }
        return new LabelledSeries("test/series.csv", times, values, List.of());
    }

    @ParameterizedTest
    @EnumSource(ValueFormat.class)
    void readsTheFlagAndTheScoreFlagAnomalyPutsInItsHeaders(ValueFormat format) {
        double[] values = new double[60];
        for (int i = 0; i < values.length; i++) {
            values[i] = 20 + (i % 2 == 0 ? 0.5 : -0.5);
        }
        values[50] = 40;
        try (FlagAnomalyRun run = new FlagAnomalyRun(Map.of("detectors", "reading: zscore(warmup=10)"), format, "reading")) {
            Alarms alarms = run.run(series(values));
            assertThat(alarms.unassessed()).isZero();
            assertThat(alarms.flagged()[50]).isTrue();
            assertThat(alarms.flaggedCount()).isEqualTo(1);
            // about 19.5 / 0.5 = 39 standard deviations (the EWMA's stddev is a little under 0.5): (39 - 3) / (5 - 3) + 1 = 19
            // on FlagAnomaly's scale, rounded to two decimals in the header
            assertThat(alarms.scores()[50]).isBetween(19.0, 20.5);
            assertThat(alarms.scores()[50] * 100).isCloseTo(Math.rint(alarms.scores()[50] * 100), within(1e-9));
            assertThat(alarms.scores()[49]).isZero();
            assertThat(alarms.findings()).containsExactly(Map.entry("zscore", 1));
        }
    }

    @ParameterizedTest
    @EnumSource(ValueFormat.class)
    void eachSeriesIsADeviceOfItsOwn(ValueFormat format) {
        try (FlagAnomalyRun run = new FlagAnomalyRun(Map.of("detectors", "value: flatline(3)"), format, "value")) {
            Alarms first = run.run(series(1, 1, 1, 1));
            Alarms second = run.run(new LabelledSeries("test/other.csv", new long[] {1, 2}, new double[] {1, 1}, List.of()));
            assertThat(first.flagged()).containsExactly(false, false, true, true);
            assertThat(second.flagged()).as("a new device starts its own run").containsExactly(false, false);
            assertThat(first.findings()).containsExactly(Map.entry("flatline", 2));
        }
    }
}
