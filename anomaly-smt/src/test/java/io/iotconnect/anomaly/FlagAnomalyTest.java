package io.iotconnect.anomaly;

import io.iotconnect.testing.Readings;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlagAnomalyTest {

    private static final long T0 = 1_795_000_000_000L;

    private final MockTime time = new MockTime(0, T0, 0);

    private FlagAnomaly<SinkRecord> transform(String detectors, String... extra) {
        Map<String, String> config = new HashMap<>();
        config.put("detectors", detectors);
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        FlagAnomaly<SinkRecord> transform = new FlagAnomaly.Value<>(time);
        transform.configure(config);
        return transform;
    }

    private static Object header(SinkRecord record, String name) {
        Header header = record.headers().lastWithName(name);
        return header == null ? null : header.value();
    }

    private static SinkRecord reading(String device, long ts, Double temperature) {
        return SinkRecords.of(device, Readings.struct(device, ts, temperature, 50.0), ts);
    }

    @Test
    void thresholdsAboveAndBelowWithWarningAndCriticalLevels() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35, critical=80) below(warning=0, critical=-20)");

        SinkRecord normal = transform.apply(reading("d", T0, 21.0));
        assertThat(header(normal, AnomalyHeaders.ANOMALY)).isEqualTo(false);
        assertThat(header(normal, AnomalyHeaders.SEVERITY)).isNull();

        SinkRecord hot = transform.apply(reading("d", T0, 87.2));
        assertThat(header(hot, AnomalyHeaders.ANOMALY)).isEqualTo(true);
        assertThat(header(hot, AnomalyHeaders.SEVERITY)).isEqualTo("critical");
        assertThat(header(hot, AnomalyHeaders.REASONS)).isEqualTo("temperature=87.2 above critical 80");
        assertThat((Double) header(hot, AnomalyHeaders.SCORE)).isEqualTo(2.16);

        SinkRecord warm = transform.apply(reading("d", T0, 35.5));
        assertThat(header(warm, AnomalyHeaders.SEVERITY)).isEqualTo("warning");
        assertThat(header(warm, AnomalyHeaders.REASONS)).isEqualTo("temperature=35.5 above warning 35");
        assertThat((Double) header(warm, AnomalyHeaders.SCORE)).isEqualTo(1.01);

        SinkRecord cold = transform.apply(reading("d", T0, -25.0));
        assertThat(header(cold, AnomalyHeaders.REASONS)).isEqualTo("temperature=-25 below critical -20");
        assertThat(header(transform.apply(reading("d", T0, -1.0)), AnomalyHeaders.SEVERITY)).isEqualTo("warning");

        assertThat(header(transform.apply(reading("d", T0, 35.0)), AnomalyHeaders.ANOMALY)).as("a level itself is fine").isEqualTo(false);
    }

    @Test
    void seedAlertThresholdsOnSeveralFields() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35); humidity: above(warning=85, critical=95); "
                + "pressure: below(warning=980, critical=950); light: below(warning=10)");
        Map<String, Object> reading = Readings.map("d", T0, 36.0, 97.0);
        reading.put("pressure", 940.0);
        reading.put("light", 2L);

        SinkRecord flagged = transform.apply(SinkRecords.of("d", reading, T0));

        assertThat(header(flagged, AnomalyHeaders.SEVERITY)).isEqualTo("critical");
        assertThat(((String) header(flagged, AnomalyHeaders.REASONS)).split("; ")).containsExactly(
                "temperature=36 above warning 35", "humidity=97 above critical 95", "pressure=940 below critical 950",
                "light=2 below warning 10");
    }

    @Test
    void zscoreStaysSilentDuringWarmupThenFlagsOutliers() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: zscore(warning=3, critical=5, warmup=20)");
        for (int i = 0; i < 20; i++) {
            double value = 20.0 + (i % 2 == 0 ? 0.5 : -0.5);
            SinkRecord out = transform.apply(reading("d", T0 + i * 1000L, i == 5 ? 90.0 : value));
            assertThat(header(out, AnomalyHeaders.ANOMALY)).as("warm-up reading %d", i).isEqualTo(false);
        }
        assertThat(header(transform.apply(reading("d", T0 + 21_000, 20.3)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        SinkRecord spike = transform.apply(reading("d", T0 + 22_000, 200.0));
        assertThat(header(spike, AnomalyHeaders.SEVERITY)).isEqualTo("critical");
        assertThat((String) header(spike, AnomalyHeaders.REASONS)).startsWith("temperature=200 z-score ").contains("beyond critical 5 (mean ");
        assertThat(header(transform.apply(reading("other", T0, 200.0)), AnomalyHeaders.ANOMALY))
                .as("state is per device: a new device warms up first").isEqualTo(false);
    }

    @Test
    void zscoreOnAConstantSignalKeepsAFloorRelativeToTheLevel() {
        FlagAnomaly<SinkRecord> plain = transform("temperature: zscore(warmup=5)");
        FlagAnomaly<SinkRecord> unfloored = transform("temperature: zscore(warmup=5, floor=0)");
        FlagAnomaly<SinkRecord> floored = transform("temperature: zscore(warmup=5, floor=0, min.stddev=0.5)");
        for (int i = 0; i < 10; i++) {
            plain.apply(reading("d", T0 + i, 20.0));
            unfloored.apply(reading("d", T0 + i, 20.0));
            floored.apply(reading("d", T0 + i, 20.0));
        }
        // The floor is 1 % of the level (0.2 here): 0.1 off is ordinary, 1 off is 5 floors away, not infinitely far.
        assertThat(header(plain.apply(reading("d", T0 + 20, 20.1)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        SinkRecord jump = plain.apply(reading("d", T0 + 21, 21.0));
        assertThat(header(jump, AnomalyHeaders.ANOMALY)).isEqualTo(true);
        assertThat((Double) header(jump, AnomalyHeaders.SCORE)).isLessThan(10.0);
        // Without a floor, a constant signal has no spread at all and the z-score stays silent.
        assertThat(header(unfloored.apply(reading("d", T0 + 20, 21.0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        assertThat(header(floored.apply(reading("d", T0 + 20, 23.0)), AnomalyHeaders.ANOMALY)).isEqualTo(true);
    }

    @Test
    void rateOfChangePerSecondBetweenConsecutiveReadings() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: rate(warning=2, critical=10)");
        transform.apply(reading("d", T0, 20.0));
        assertThat(header(transform.apply(reading("d", T0 + 2000, 23.0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        SinkRecord jump = transform.apply(reading("d", T0 + 4000, 35.0));
        assertThat(header(jump, AnomalyHeaders.SEVERITY)).isEqualTo("warning");
        assertThat(header(jump, AnomalyHeaders.REASONS)).isEqualTo("temperature changed by 12 in 2s (6/s), above warning 2/s");
        SinkRecord late = transform.apply(reading("d", T0 + 1000, 90.0));
        assertThat(header(late, AnomalyHeaders.ANOMALY)).as("an out-of-order reading has no rate").isEqualTo(false);
        assertThat(header(transform.apply(reading("d", T0 + 5000, 35.5)), AnomalyHeaders.ANOMALY))
                .as("the late reading did not replace the last one").isEqualTo(false);
    }

    @Test
    void flatlineAfterTheSameValueNTimes() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: flatline(4, severity=critical)");
        for (int i = 0; i < 3; i++) {
            assertThat(header(transform.apply(reading("d", T0 + i, 21.5)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        }
        SinkRecord stuck = transform.apply(reading("d", T0 + 3, 21.5));
        assertThat(header(stuck, AnomalyHeaders.SEVERITY)).isEqualTo("critical");
        assertThat(header(stuck, AnomalyHeaders.REASONS)).isEqualTo("temperature stuck at 21.5 for 4 readings");
        assertThat(header(transform.apply(reading("d", T0 + 4, 21.5)), AnomalyHeaders.ANOMALY)).isEqualTo(true);
        assertThat(header(transform.apply(reading("d", T0 + 5, 21.6)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
    }

    @Test
    void gapFlagsTheNextReadingOfASilentDevice() {
        FlagAnomaly<SinkRecord> transform = transform("", "gap.max.silence", "10m");
        transform.apply(reading("d", T0, 20.0));
        assertThat(header(transform.apply(reading("d", T0 + 600_000, 20.0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        SinkRecord back = transform.apply(reading("d", T0 + 600_000 + 903_000, 20.0));
        assertThat(header(back, AnomalyHeaders.REASONS)).isEqualTo("device silent for 15m3s, beyond gap.max.silence 10m");
        assertThat(header(back, AnomalyHeaders.SEVERITY)).isEqualTo("warning");
    }

    @Test
    void timeFromAFieldInEpochSeconds() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: rate(warning=1)", "timestamp.field", "epoch", "timestamp.unit", "s");
        Map<String, Object> first = Readings.map("d", 0, 20.0, 1.0);
        first.put("epoch", 1000L);
        Map<String, Object> second = Readings.map("d", 0, 25.0, 1.0);
        second.put("epoch", 1010L);
        transform.apply(SinkRecords.of("d", first));
        assertThat(header(transform.apply(SinkRecords.of("d", second)), AnomalyHeaders.ANOMALY)).as("5 in 10s is 0.5/s").isEqualTo(false);

        // An unreadable time is no reason to stop: the reading is assessed at its record time (1020 s here).
        Map<String, Object> broken = Readings.map("d", 0, 30.0, 1.0);
        broken.put("epoch", "later");
        assertThat(header(transform.apply(SinkRecords.of("d", broken, 1_020_000L)), AnomalyHeaders.ANOMALY))
                .as("5 more in 10 s").isEqualTo(false);
    }

    @Test
    void nonFiniteValuesAreCriticalMissingAndNonNumericFieldsAreSkipped() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35) zscore rate(warning=1) flatline(3)");
        SinkRecord nan = transform.apply(SinkRecords.of("d", Readings.map("d", T0, Double.NaN, 1.0), T0));
        assertThat(header(nan, AnomalyHeaders.SEVERITY)).isEqualTo("critical");
        assertThat(header(nan, AnomalyHeaders.REASONS)).isEqualTo("temperature=NaN is not a finite number");
        assertThat(header(transform.apply(SinkRecords.of("d", Readings.map("d", T0, Double.NEGATIVE_INFINITY, 1.0), T0)),
                AnomalyHeaders.REASONS)).isEqualTo("temperature=-Infinity is not a finite number");
        assertThat(header(transform.apply(SinkRecords.of("d", Readings.map("d", T0, null, 1.0), T0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        assertThat(header(transform.apply(SinkRecords.of("d", Readings.map("d", T0, "hot", 1.0), T0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        Map<String, Object> nested = Readings.map("d", T0, 1.0, 1.0);
        nested.put("temperature", Map.of("value", 99.0));
        assertThat(header(transform.apply(SinkRecords.of("d", nested, T0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
    }

    @Test
    void episodeHeadersMarkTheStartTheRestAndTheEndAndTheLikelihoodIsOnEveryAssessedReading() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35)", "episode.clear.after", "2m",
                "episode.debounce", "1/1");
        FlagAnomaly<SinkRecord> likelihood = transform("temperature: likelihood(season=none, warmup=5)");
        List<SinkRecord> out = new java.util.ArrayList<>();
        double[] temperatures = {20, 20.2, 19.9, 20.1, 20, 19.8, 20.1, 40, 41, 20, 20, 20.1, 20};
        for (int i = 0; i < temperatures.length; i++) {
            out.add(transform.apply(reading("d", T0 + i * 60_000L, temperatures[i])));
        }
        assertThat(out.stream().map(r -> header(r, AnomalyHeaders.EPISODE)).toList())
                .containsExactly(null, null, null, null, null, null, null, "start", "ongoing", "ongoing", "end", null, null);
        assertThat(header(out.get(8), AnomalyHeaders.EPISODE_START)).isEqualTo(T0 + 7 * 60_000L);
        assertThat((Double) header(out.get(10), AnomalyHeaders.EPISODE_PEAK)).isGreaterThanOrEqualTo(1.0);
        assertThat(out).allSatisfy(r -> assertThat(header(r, AnomalyHeaders.LIKELIHOOD)).isNull());
        for (int i = 0; i < temperatures.length; i++) {
            SinkRecord assessed = likelihood.apply(reading("d", T0 + i * 60_000L, temperatures[i]));
            if (i >= 5) {
                assertThat((Double) header(assessed, AnomalyHeaders.LIKELIHOOD)).as("likelihood after the warm-up, reading " + i)
                        .isBetween(0.0, 1.0);
            }
        }
        assertThat(FlagAnomaly.rounded(9.3e16)).as("no saturation at Long.MAX_VALUE / 100").isEqualTo(9.3e16);
        assertThat(FlagAnomaly.rounded(2.168)).isEqualTo(2.17);
    }

    @Test
    void nestedFieldPaths() {
        FlagAnomaly<SinkRecord> transform = transform("location.lat: above(critical=90)");
        Struct reading = Readings.struct("d", T0, 1.0, 1.0);
        reading.getStruct("location").put("lat", 95.0);
        assertThat(header(transform.apply(SinkRecords.of("d", reading, T0)), AnomalyHeaders.REASONS)).isEqualTo("location.lat=95 above critical 90");
        assertThat(header(transform.apply(SinkRecords.of("d", Readings.struct("d", T0, 1.0, 1.0).put("location", null), T0)),
                AnomalyHeaders.ANOMALY)).isEqualTo(false);
    }

    @Test
    void outputFieldExtendsStructSchemasOnceAndMaps() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35)", "output.field", "anomaly");
        SinkRecord first = transform.apply(reading("d", T0, 40.0));
        SinkRecord second = transform.apply(reading("d", T0, 20.0));

        assertThat(first.valueSchema()).as("one derived schema for every record of an input schema").isSameAs(second.valueSchema());
        assertThat(first.valueSchema().field("anomaly").schema()).isEqualTo(FlagAnomaly.RESULT_SCHEMA);
        Struct result = ((Struct) first.value()).getStruct("anomaly");
        assertThat(result.getBoolean("flagged")).isTrue();
        assertThat(result.getString("severity")).isEqualTo("warning");
        assertThat(result.getArray("reasons")).containsExactly("temperature=40 above warning 35");
        assertThat(((Struct) second.value()).getStruct("anomaly").getBoolean("flagged")).isFalse();
        assertThat(((Struct) second.value()).getFloat64("temperature")).isEqualTo(20.0);

        // A different input schema (schema evolution) gets its own derived schema, also cached.
        Schema evolved = SchemaBuilder.struct().field("temperature", Schema.FLOAT64_SCHEMA).build();
        SinkRecord other = transform.apply(SinkRecords.of("d", new Struct(evolved).put("temperature", 50.0), T0));
        assertThat(other.valueSchema().fields()).extracting(f -> f.name()).containsExactly("temperature", "anomaly");
        assertThat(transform.apply(SinkRecords.of("d", new Struct(evolved).put("temperature", 1.0), T0)).valueSchema())
                .isSameAs(other.valueSchema());

        Map<?, ?> map = (Map<?, ?>) transform.apply(SinkRecords.of("d", Readings.map("d", T0, 50.0, 1.0), T0)).value();
        @SuppressWarnings("unchecked")
        Map<String, Object> mapResult = (Map<String, Object>) map.get("anomaly");
        assertThat(mapResult).containsEntry("flagged", true).containsEntry("severity", "warning")
                .containsEntry("reasons", List.of("temperature=50 above warning 35"));
    }

    @Test
    void inputHeadersAreNotMutated() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35)");
        SinkRecord input = reading("d", T0, 40.0);
        transform.apply(input);
        assertThat(input.headers().isEmpty()).isTrue();
    }

    @Test
    void deviceStateIsBoundedByStateMaxDevices() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: flatline(2)", "state.max.devices", "100");
        for (int i = 0; i < 1000; i++) {
            transform.apply(reading("dev-" + i, T0, 20.0));
        }
        assertThat(transform.detector().devicesTracked()).isEqualTo(100);
        assertThat(transform.detector().devicesEvicted()).isEqualTo(900);
        // dev-999 is still known (stuck on its second identical reading), dev-0 was forgotten and starts over.
        assertThat(header(transform.apply(reading("dev-999", T0 + 1, 20.0)), AnomalyHeaders.ANOMALY)).isEqualTo(true);
        assertThat(header(transform.apply(reading("dev-0", T0 + 1, 20.0)), AnomalyHeaders.ANOMALY)).isEqualTo(false);
    }

    @Test
    void readingsWithoutDeviceGetStatelessDetectorsOnly() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35) flatline(2)");
        transform.apply(reading(null, T0, 20.0));
        SinkRecord second = transform.apply(SinkRecords.of(null, Readings.struct(null, T0, 20.0, 1.0), T0));
        assertThat(header(second, AnomalyHeaders.ANOMALY)).isEqualTo(false);
        assertThat(header(transform.apply(SinkRecords.of(null, Readings.struct(null, T0, 40.0, 1.0), T0)), AnomalyHeaders.ANOMALY)).isEqualTo(true);
    }

    @Test
    void tombstonesValuesThatAreNotObjectsAndSourceErrorsPassUnchanged() {
        FlagAnomaly<SinkRecord> transform = transform("temperature: above(warning=35)");
        SinkRecord tombstone = SinkRecords.of("d", null);
        assertThat(transform.apply(tombstone)).isSameAs(tombstone);
        for (Object value : new Object[] {"21.5", 42.0, List.of(1.0, 2.0, 3.0), new byte[] {1, 2}, true}) {
            SinkRecord notAReading = new SinkRecord("t", 0, null, "d", null, value, 3L);
            assertThat(transform.apply(notAReading)).as("%s", value).isSameAs(notAReading);
        }
        SinkRecord sourceError = new SinkRecord("telemetry-errors", 0, null, "d", Schema.BYTES_SCHEMA, new byte[] {'{'}, 8L);
        sourceError.headers().addString("iothub.error.reason", "not JSON");
        assertThat(transform.apply(sourceError)).isSameAs(sourceError);
    }

    @Test
    void badConfigurationNamesTheKeyAndTheFix() {
        assertConfigError(Map.of("detectors", "t: above()"), "detectors", "needs a warning level, a critical level or both");
        assertConfigError(Map.of("detectors", "t: above(80, 35)"), "detectors", "the critical level must be above the warning level");
        assertConfigError(Map.of("detectors", "t: below(950, 980)"), "detectors", "the critical level must be below the warning level");
        assertConfigError(Map.of("detectors", "t: zscore(alpha=2)"), "detectors", "between 0 and 1");
        assertConfigError(Map.of("detectors", "t: zscore(warning=5, critical=4)"), "detectors", "0 < warning < critical");
        assertConfigError(Map.of("detectors", "t: zscore(3)"), "detectors", "name them");
        assertConfigError(Map.of("detectors", "t: zscore(warmup=0)"), "detectors", "whole number above 0");
        assertConfigError(Map.of("detectors", "t: flatline(1)"), "detectors", "at least 2");
        assertConfigError(Map.of("detectors", "t: flatline(3, severity=high)"), "detectors", "write warning or critical");
        assertConfigError(Map.of("detectors", "t: spikes"), "detectors", "'spikes' is not a detector");
        assertConfigError(Map.of("detectors", "t: above(warning=hot)"), "detectors", "not a finite number");
        assertConfigError(Map.of("detectors", "t: above(warning=35"), "detectors", "missing its closing ')'");
        assertConfigError(Map.of("detectors", "t: above(1) above(2)"), "detectors", "given twice");
        assertConfigError(Map.of("detectors", "t: above(1)", "gap.max.silence", "soon"), "gap.max.silence", "write a whole number with a unit");
        assertConfigError(Map.of("detectors", "t: above(1)", "gap.max.silence", "0s"), "gap.max.silence", "must be above zero");
        assertConfigError(Map.of("detectors", "t: above(1)", "state.max.devices", "0"), "state.max.devices", "at least 1");
        assertConfigError(Map.of("detectors", "t: above(1)", "output.field", "a.b"), "output.field", "without dots");
        assertConfigError(Map.of("detectors", "t: above(1)", "output.field", "anomaly-result"), "output.field", "valid Avro name");
        assertConfigError(Map.of("detectors", "t: above(1)", "timestamp.field", "a..b"), "timestamp.field", "empty segment");
    }

    @Test
    void combinationsConfigValidateCannotSeeAreAcceptedNotRefusedAtStart() {
        // Connect validates a transformation's keys one at a time, so start() must not refuse what passed there.
        FlagAnomaly<SinkRecord> nothing = new FlagAnomaly.Value<>();
        nothing.configure(Map.of("detectors", ""));
        SinkRecord reading = SinkRecords.of("d", Readings.map("d", T0, 99.0, 1.0), T0);
        assertThat(header(nothing.apply(reading), AnomalyHeaders.ANOMALY)).isEqualTo(false);
        new FlagAnomaly.Value<SinkRecord>().configure(Map.of("detectors", "t: above(1)", "output.headers", "false"));
    }

    /** The error must come both from configure() and from the ConfigDef validators config/validate runs. */
    private static void assertConfigError(Map<String, String> config, String key, String message) {
        FlagAnomaly<SinkRecord> transform = new FlagAnomaly.Value<>();
        assertThatThrownBy(() -> transform.configure(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(message);
        assertThat(FlagAnomaly.CONFIG_DEF.validate(config))
                .filteredOn(value -> value.name().equals(key))
                .singleElement()
                .satisfies(value -> assertThat(value.errorMessages()).anySatisfy(error -> assertThat(error).contains(message)));
    }
}
