package io.iotconnect.anomaly.detect;

import io.iotconnect.anomaly.spec.RuleSpecParser;
import io.iotconnect.anomaly.spec.RuleSyntaxException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The likelihood detector and the episodes, reading by reading. */
class LikelihoodAndEpisodesTest {

    private static final long T0 = 1_795_000_000_000L - Math.floorMod(1_795_000_000_000L, 86_400_000L);
    private static final long MINUTE = 60_000L;

    private static AnomalyDetector detector(String rules, String debounce, Duration clearAfter, Duration cooldown) {
        String[] kn = debounce.split("/");
        return new AnomalyDetector(RuleSpecParser.parse(rules), null, Severity.WARNING, 100,
                new AnomalyDetector.EpisodeRules(Integer.parseInt(kn[0]), Integer.parseInt(kn[1]), clearAfter, cooldown));
    }

    private static AnomalyDetector detector(String rules) {
        return detector(rules, "1/1", Duration.ofHours(1), Duration.ZERO);
    }

    /** What one reading got: flagged, episode, likelihood. */
    private record Seen(long time, double value, boolean flagged, Episode episode, double likelihood) {
    }

    private static Seen assess(AnomalyDetector detector, long time, double value) {
        Assessment result = detector.assess("device-1", Map.of("v", value), time);
        return new Seen(time, value, result.flagged(), result.episode(), result.likelihood());
    }

    /** Noise around a level, one reading every {@code step} ms for {@code count} readings from {@code from}. */
    private static List<Seen> run(AnomalyDetector detector, long from, long step, int count, double level, double noise, Random random) {
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            seen.add(assess(detector, from + i * step, level + noise * random.nextGaussian()));
        }
        return seen;
    }

    private static long starts(List<Seen> seen) {
        return seen.stream().filter(s -> s.episode() == Episode.START).count();
    }

    @Test
    void aConstantStretchDoesNotMakeTheNextOrdinaryChangeInfinite() {
        AnomalyDetector detector = detector("v: likelihood(season=none)");
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            seen.add(assess(detector, T0 + i * 5 * MINUTE, 20.0));
        }
        // A change of 0.1 % of the level after hours of the same value: below the spread's floor (1 % of the level).
        Seen small = assess(detector, T0 + 500 * 5 * MINUTE, 20.02);
        assertThat(small.flagged()).isFalse();
        assertThat(small.likelihood()).isBetween(0.0, 1.0);
        assertThat(seen).noneMatch(Seen::flagged);
        // A real jump is flagged, with a likelihood that is a probability, not a saturated number.
        List<Seen> jump = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
            jump.add(assess(detector, T0 + (500 + i) * 5 * MINUTE, 35.0));
        }
        assertThat(jump).anyMatch(Seen::flagged);
        assertThat(jump).allSatisfy(s -> assertThat(s.likelihood()).isBetween(0.0, 1.0));
    }

    @Test
    void oneIncidentIsOneEpisodeWithAStartAndAnEnd() {
        Random random = new Random(1);
        AnomalyDetector detector = detector("v: likelihood(season=none)");
        List<Seen> seen = new ArrayList<>(run(detector, T0, 5 * MINUTE, 2_000, 50, 1, random));
        assertThat(seen.subList(100, seen.size()).stream().filter(Seen::flagged).count())
                .as("false alarms on a week of plain noise").isLessThanOrEqualTo(2);
        long before = starts(seen);
        // Two hours 8 spreads higher, then back to normal for a day.
        long at = T0 + 2_000 * 5 * MINUTE;
        List<Seen> incident = run(detector, at, 5 * MINUTE, 24, 58, 1, random);
        List<Seen> after = run(detector, at + 24 * 5 * MINUTE, 5 * MINUTE, 288, 50, 1, random);
        assertThat(starts(incident)).as("episode starts in the incident").isEqualTo(1);
        assertThat(incident.get(0).flagged() || incident.get(1).flagged() || incident.get(2).flagged())
                .as("raised within three readings").isTrue();
        assertThat(incident.stream().filter(s -> s.episode() == Episode.START || s.episode() == Episode.ONGOING).count())
                .isGreaterThanOrEqualTo(incident.size() - 2);
        assertThat(after.stream().filter(s -> s.episode() == Episode.END).count()).as("episode ends").isEqualTo(1);
        Seen end = after.stream().filter(s -> s.episode() == Episode.END).findFirst().orElseThrow();
        long lastFlagged = java.util.stream.Stream.concat(incident.stream(), after.stream()).filter(Seen::flagged)
                .mapToLong(Seen::time).max().orElseThrow();
        assertThat(end.time() - lastFlagged).as("ends one clear time after the last flagged reading")
                .isBetween(Duration.ofHours(1).toMillis(), Duration.ofHours(1).toMillis() + 5 * MINUTE);
        assertThat(starts(after)).isZero();
        assertThat(before).isLessThanOrEqualTo(2);
    }

    @Test
    void aDailyCycleIsNormalWithTheDailySeasonAndASpikeInItIsNot() {
        Random random = new Random(2);
        AnomalyDetector seasonal = detector("v: likelihood()");
        AnomalyDetector flat = detector("v: likelihood(season=none)");
        List<Seen> withSeason = new ArrayList<>();
        List<Seen> without = new ArrayList<>();
        int days = 10;
        for (int i = 0; i < days * 288; i++) {
            long time = T0 + i * 5 * MINUTE;
            // Sharp daily load: 10 at night, 60 from 9:00 to 17:00, noise 1.
            double hour = Math.floorMod(time, 86_400_000L) / 3_600_000.0;
            double value = (hour >= 9 && hour < 17 ? 60 : 10) + random.nextGaussian();
            withSeason.add(assess(seasonal, time, value));
            without.add(assess(flat, time, value));
        }
        assertThat(starts(withSeason.subList(4 * 288, withSeason.size()))).as("episodes on normal days").isLessThanOrEqualTo(1);
        // At night, a day-time level is an anomaly: only a baseline per hour of the day knows that.
        long night = T0 + days * 86_400_000L + 2 * 3_600_000L;
        List<Seen> seasonalSpike = new ArrayList<>();
        List<Seen> flatSpike = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            double value = 60 + random.nextGaussian();
            seasonalSpike.add(assess(seasonal, night + i * 5 * MINUTE, value));
            flatSpike.add(assess(flat, night + i * 5 * MINUTE, value));
        }
        assertThat(seasonalSpike).anyMatch(Seen::flagged);
        assertThat(flatSpike).as("without the season, the day level at night looks ordinary").noneMatch(Seen::flagged);
    }

    @Test
    void forgettingFollowsElapsedTimeNotTheNumberOfReadings() {
        // The same step, sampled every minute and every 10 minutes: the episode lasts about as long in time.
        long[] durations = new long[2];
        long[] steps = {MINUTE, 10 * MINUTE};
        for (int k = 0; k < 2; k++) {
            Random random = new Random(3);
            AnomalyDetector detector = detector("v: likelihood(season=none)", "1/1", Duration.ofMinutes(30), Duration.ZERO);
            long step = steps[k];
            int warm = (int) (Duration.ofDays(3).toMillis() / step);
            run(detector, T0, step, warm, 100, 1, random);
            long shift = T0 + warm * step;
            List<Seen> shifted = run(detector, shift, step, (int) (Duration.ofDays(2).toMillis() / step), 110, 1, random);
            long lastFlagged = shifted.stream().filter(Seen::flagged).mapToLong(Seen::time).max().orElseThrow();
            durations[k] = lastFlagged - shift;
        }
        assertThat(durations[0]).isPositive();
        assertThat((double) durations[1] / durations[0]).as("flagged time at 10-minute over 1-minute sampling")
                .isBetween(0.5, 2.0);
    }

    @Test
    void backwardsAndRepeatedTimestampsNeitherFlagNorMoveTheClockBack() {
        Random random = new Random(4);
        AnomalyDetector detector = detector("v: likelihood(season=none)");
        List<Seen> seen = run(detector, T0, 5 * MINUTE, 1_000, 20, 0.5, random);
        long last = seen.get(seen.size() - 1).time();
        Seen backwards = assess(detector, last - Duration.ofDays(2).toMillis(), 20.1);
        Seen repeated = assess(detector, last, 20.2);
        Seen next = assess(detector, last + 5 * MINUTE, 20.0);
        assertThat(List.of(backwards, repeated, next)).noneMatch(Seen::flagged);
        assertThat(detector.readingsBackwards()).as("noticed: backwards").isEqualTo(1);
        assertThat(detector.readingsRepeated()).as("noticed: repeated").isEqualTo(1);
    }

    @Test
    void absurdMagnitudesAndAllZeroSeriesStayProbabilities() {
        AnomalyDetector detector = detector("v: likelihood(season=none, warmup=5)");
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            seen.add(assess(detector, T0 + i * MINUTE, 0.0));
        }
        seen.add(assess(detector, T0 + 60 * MINUTE, 1e300));
        seen.add(assess(detector, T0 + 61 * MINUTE, -1e300));
        for (int i = 62; i < 80; i++) {
            seen.add(assess(detector, T0 + i * MINUTE, 0.0));
        }
        assertThat(seen).allSatisfy(s -> assertThat(s.likelihood()).isBetween(0.0, 1.0));
        assertThat(seen.get(60).flagged()).as("a reading 1e300 from a silent zero").isTrue();
        assertThat(seen.subList(5, 60)).noneMatch(Seen::flagged);
    }

    @Test
    void aFlatlineIsOneEpisodeHoweverLongTheRun() {
        AnomalyDetector detector = detector("v: flatline(10)");
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            seen.add(assess(detector, T0 + i * MINUTE, i));
        }
        for (int i = 0; i < 500; i++) {
            seen.add(assess(detector, T0 + (20 + i) * MINUTE, 7.0));
        }
        assertThat(seen.stream().filter(Seen::flagged).count()).as("per-reading tags").isEqualTo(491);
        assertThat(starts(seen)).as("alerts").isEqualTo(1);
        // The run ends: the first different reading, an hour of quiet later, closes the episode with its length.
        Assessment end = detector.assess("device-1", Map.of("v", 8.0), T0 + (520 + 60) * MINUTE);
        assertThat(end.episode()).isEqualTo(Episode.END);
        assertThat(end.episodeReadings()).as("the run's flagged readings and the one that ends it").isEqualTo(492);
    }

    @Test
    void debounceAsksForKOfTheLastNReadings() {
        AnomalyDetector detector = detector("v: above(warning=10)", "3/5", Duration.ofMinutes(10), Duration.ZERO);
        double[] values = {1, 11, 1, 1, 1, 11, 1, 1, 1, 11, 11, 1, 11, 1, 1};
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            seen.add(assess(detector, T0 + i * MINUTE, values[i]));
        }
        assertThat(seen.stream().filter(s -> s.episode() == Episode.START).map(s -> (s.time() - T0) / MINUTE).toList())
                .as("the third flagged reading among five").containsExactly(12L);
    }

    @Test
    void aCooldownKeepsAFlappingDeviceToOneEpisode() {
        AnomalyDetector detector = detector("v: above(warning=10)", "1/1", Duration.ofMinutes(5), Duration.ofHours(1));
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            // Over the limit for one minute in every ten.
            seen.add(assess(detector, T0 + i * MINUTE, i % 10 == 0 ? 11 : 1));
        }
        assertThat(seen.stream().filter(Seen::flagged).count()).isEqualTo(12);
        assertThat(seen.stream().filter(s -> s.episode() == Episode.START).map(s -> (s.time() - T0) / MINUTE).toList())
                .as("one start, the next after the cooldown that followed the first episode's end").containsExactly(0L, 70L);
    }

    @Test
    void invalidSettingsNameTheCheckAndTheFix() {
        assertThatThrownBy(() -> detector("v: likelihood(raise=1.5)")).isInstanceOf(RuleSyntaxException.class)
                .hasMessageContaining("field 'v', check 'likelihood'").hasMessageContaining("0 < clear <= raise <= critical < 1");
        assertThatThrownBy(() -> detector("v: likelihood(season=weekly)")).isInstanceOf(RuleSyntaxException.class)
                .hasMessageContaining("write daily");
        assertThatThrownBy(() -> detector("v: likelihood(window=0s)")).isInstanceOf(RuleSyntaxException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> detector("v: likelihood(floor=0)")).isInstanceOf(RuleSyntaxException.class)
                .hasMessageContaining("min.spread");
    }

    @Test
    void theNormalDistributionIsAccurateInTheTails() {
        assertThat(LikelihoodDetector.normalCdf(0)).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(LikelihoodDetector.normalCdf(1.959963985)).isCloseTo(0.975, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(1 - LikelihoodDetector.normalCdf(3.719016485)).isCloseTo(1e-4, org.assertj.core.data.Offset.offset(1e-7));
        assertThat(1 - LikelihoodDetector.normalCdf(4.264890794)).isCloseTo(1e-5, org.assertj.core.data.Offset.offset(1e-8));
        assertThat(LikelihoodDetector.normalCdf(-40)).isZero();
        assertThat(LikelihoodDetector.normalCdf(40)).isEqualTo(1.0);
    }
}
