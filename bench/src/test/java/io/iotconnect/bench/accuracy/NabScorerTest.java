package io.iotconnect.bench.accuracy;

import io.iotconnect.bench.accuracy.NabScorer.SeriesScore;
import io.iotconnect.bench.accuracy.NabScorer.Sweep;
import io.iotconnect.bench.accuracy.NabScorer.ThresholdScore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The scorer against cases worked out by hand from NAB's rules. The series has 100 rows, so a probation of
 * floor(0.15 * 100) = 15 rows, and one window on rows 40 to 49 (10 rows). The expected figures use the identity
 * 2 / (1 + e^(5x)) - 1 = tanh(-2.5x): a detection at position x in the window earns tanh(-2.5x) / tanh(2.5).
 */
class NabScorerTest {

    private static final CostProfile STANDARD = CostProfile.of("standard", 1.0, 0.11, 1.0);
    private static final CostProfile LOW_FN = CostProfile.of("reward_low_FN_rate", 1.0, 0.11, 2.0);
    private static final double EPSILON = 1e-12;

    private static LabelledSeries series(int rows, LabelledSeries.Window... windows) {
        long[] times = new long[rows];
        for (int i = 0; i < rows; i++) {
            times[i] = 1_400_000_000_000L + i * 300_000L;
        }
        return new LabelledSeries("test/series.csv", times, new double[rows], List.of(windows));
    }

    private static final LabelledSeries ONE_WINDOW = series(100, new LabelledSeries.Window(40, 49));

    private static boolean[] detectionsAt(int rows, int... at) {
        boolean[] detected = new boolean[rows];
        for (int i : at) {
            detected[i] = true;
        }
        return detected;
    }

    private static double raw(int... at) {
        return NabScorer.score(ONE_WINDOW, detectionsAt(100, at), STANDARD).raw();
    }

    @Test
    void probationIsFifteenPercentRoundedDownAndAtMost750Rows() {
        assertThat(NabScorer.probationRows(100)).isEqualTo(15);
        assertThat(NabScorer.probationRows(4032)).isEqualTo(604);
        assertThat(NabScorer.probationRows(1243)).isEqualTo(186);
        assertThat(NabScorer.probationRows(5000)).isEqualTo(750);
        assertThat(NabScorer.probationRows(22695)).isEqualTo(750);
    }

    @Test
    void scaledSigmoidAtTheCornersNabDocuments() {
        assertThat(NabScorer.scaledSigmoid(-1.0)).isCloseTo(0.98661429815143, within(1e-12));
        assertThat(NabScorer.scaledSigmoid(-0.5)).isCloseTo(0.84828363995751, within(1e-12));
        assertThat(NabScorer.scaledSigmoid(0.0)).isEqualTo(0.0);
        assertThat(NabScorer.scaledSigmoid(1.0)).isCloseTo(-0.98661429815143, within(1e-12));
        assertThat(NabScorer.scaledSigmoid(3.0)).isEqualTo(-1.0);
    }

    @Test
    void aDetectionOnTheWindowsFirstRowEarnsTheFullTruePositiveWeight() {
        assertThat(raw(40)).isCloseTo(1.0, within(EPSILON));
    }

    @Test
    void aDetectionOnTheWindowsLastRowEarnsLittle() {
        // position -(49 - 49 + 1) / 10 = -0.1: tanh(0.25) / tanh(2.5)
        assertThat(raw(49)).isCloseTo(0.24824154977542992, within(EPSILON));
    }

    @Test
    void aDetectionHalfWayThroughTheWindow() {
        // row 45: position -(49 - 45 + 1) / 10 = -0.5: tanh(1.25) / tanh(2.5)
        assertThat(raw(45)).isCloseTo(0.8597925669097837, within(EPSILON));
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCounts() {
        // row 42: position -0.8: tanh(2) / tanh(2.5); the later ones add nothing
        assertThat(raw(42, 45, 49)).isCloseTo(0.9771068409226047, within(EPSILON));
        assertThat(raw(42, 43, 44, 45, 46, 47, 48, 49)).isCloseTo(raw(42), within(EPSILON));
    }

    @Test
    void aDetectionJustAfterTheWindowCostsLittleAndTheWindowIsMissed() {
        // row 50: position (50 - 49) / (10 - 1) = 1/9: 0.11 * tanh(-5/18); the window has no detection: -1
        assertThat(raw(50)).isCloseTo(-1.0297931830368394, within(EPSILON));
        SeriesScore score = NabScorer.score(ONE_WINDOW, detectionsAt(100, 50), STANDARD);
        assertThat(score.windowsDetected()).isZero();
        assertThat(score.falsePositives()).isEqualTo(1);
    }

    @Test
    void falsePositivesFarFromAWindowOrBeforeTheFirstCostTheFullWeightEach() {
        // row 80: position 31 / 9 >= 3: the full -0.11; row 20: before any window, -0.11; plus the missed window
        assertThat(raw(80)).isCloseTo(-1.11, within(EPSILON));
        assertThat(raw(20)).isCloseTo(-1.11, within(EPSILON));
        assertThat(raw(20, 25, 80, 90, 99)).isCloseTo(-1.0 - 5 * 0.11, within(EPSILON));
        assertThat(raw(40, 20, 80)).isCloseTo(1.0 - 2 * 0.11, within(EPSILON));
        assertThat(NabScorer.score(ONE_WINDOW, detectionsAt(100, 20, 25, 80, 90, 99), STANDARD).falsePositives()).isEqualTo(5);
    }

    @Test
    void aMissedWindowCostsTheFalseNegativeWeightOfTheProfile() {
        assertThat(raw()).isEqualTo(-1.0);
        assertThat(NabScorer.score(ONE_WINDOW, detectionsAt(100), LOW_FN).raw()).isEqualTo(-2.0);
        assertThat(NabScorer.score(ONE_WINDOW, detectionsAt(100, 50), LOW_FN).raw()).isCloseTo(-2.029793183036839, within(EPSILON));
    }

    @Test
    void detectionsInTheProbationaryPeriodAreNotScored() {
        assertThat(raw(0, 5, 14)).isEqualTo(-1.0);
        assertThat(raw(15)).isCloseTo(-1.11, within(EPSILON));
        assertThat(NabScorer.score(ONE_WINDOW, detectionsAt(100, 0, 5, 14), STANDARD).scoredRows()).isEqualTo(85);
    }

    @Test
    void aWindowInsideTheProbationaryPeriodIsNotScored() {
        LabelledSeries early = series(100, new LabelledSeries.Window(5, 10), new LabelledSeries.Window(40, 49));
        SeriesScore score = NabScorer.score(early, detectionsAt(100, 5, 40), STANDARD);
        assertThat(score.windows()).isEqualTo(1);
        assertThat(score.raw()).isCloseTo(1.0, within(EPSILON));
        // ... but a detection after it is still weighed by its distance from it: row 16 is (16 - 10) / 5 = 1.2 after it
        assertThat(NabScorer.score(early, detectionsAt(100, 16, 40), STANDARD).raw())
                .isCloseTo(1.0 + 0.11 * Math.tanh(-2.5 * 1.2), within(EPSILON));
    }

    @Test
    void theNullDetectorScoresZeroAndThePerfectDetectorOneHundred() {
        LabelledSeries other = series(200, new LabelledSeries.Window(60, 79), new LabelledSeries.Window(150, 159));
        LabelledSeries quiet = series(100);
        List<LabelledSeries> corpus = List.of(ONE_WINDOW, other, quiet);
        for (CostProfile profile : List.of(STANDARD, LOW_FN)) {
            double nullRaw = NabScorer.nullRaw(corpus, profile);
            double perfectRaw = NabScorer.perfectRaw(corpus, profile);
            assertThat(nullRaw).isEqualTo(-3 * profile.fnWeight());
            assertThat(perfectRaw).isEqualTo(3.0);

            double never = NabScorer.score(corpus, List.of(new double[100], new double[200], new double[100]), 1.0, profile).raw();
            assertThat(NabScorer.normalise(never, nullRaw, perfectRaw)).isEqualTo(0.0);

            double[] perfectOne = new double[100];
            perfectOne[40] = 1;
            double[] perfectOther = new double[200];
            perfectOther[60] = 1;
            perfectOther[150] = 1;
            double perfect = NabScorer.score(corpus, List.of(perfectOne, perfectOther, new double[100]), 1.0, profile).raw();
            assertThat(NabScorer.normalise(perfect, nullRaw, perfectRaw)).isCloseTo(100.0, within(1e-9));

            Sweep sweep = NabScorer.sweep(corpus, List.of(perfectOne, perfectOther, new double[100]), profile);
            assertThat(sweep.best().threshold()).isEqualTo(1.0);
            assertThat(sweep.bestNormalised()).isCloseTo(100.0, within(1e-9));
        }
    }

    @Test
    void theSweepScoresEveryThresholdAndKeepsTheBest() {
        double[] scores = new double[100];
        scores[80] = 0.95; // a false positive far after the window
        scores[40] = 0.9;  // the window's first row
        scores[60] = 0.5;  // (60 - 49) / 9 after the window: 0.11 * tanh(-2.5 * 11 / 9)
        Sweep sweep = NabScorer.sweep(List.of(ONE_WINDOW), List.of(scores), STANDARD);

        assertThat(sweep.thresholds()).extracting(ThresholdScore::threshold)
                .containsExactly(Double.POSITIVE_INFINITY, 0.95, 0.9, 0.5, 0.0);
        assertThat(sweep.thresholds().get(0).raw()).isEqualTo(-1.0);
        assertThat(sweep.thresholds().get(1).raw()).isCloseTo(-1.11, within(EPSILON));
        assertThat(sweep.thresholds().get(2).raw()).isCloseTo(0.89, within(EPSILON));
        assertThat(sweep.thresholds().get(3).raw()).isCloseTo(0.7804868986963023, within(EPSILON));
        assertThat(sweep.best().threshold()).isEqualTo(0.9);
        assertThat(sweep.best().raw()).isCloseTo(0.89, within(EPSILON));
        assertThat(sweep.bestNormalised()).isCloseTo(100 * (0.89 + 1) / 2, within(1e-9));
    }

    @Test
    void whenEveryThresholdLosesTheOptimizerNeverAlarmsAndScoresZero() {
        double[] scores = new double[100];
        scores[20] = 3.0;
        scores[80] = 2.0;
        Sweep sweep = NabScorer.sweep(List.of(ONE_WINDOW), List.of(scores), STANDARD);
        assertThat(sweep.best().never()).isTrue();
        assertThat(sweep.bestNormalised()).isEqualTo(0.0);
    }

    @Test
    void onATieTheHigherThresholdWins() {
        // Row 45 at 1.0, row 48 at 0.5: row 48 adds nothing (row 45 is earlier in the window), so 1.0 and 0.5 tie.
        double[] scores = new double[100];
        scores[45] = 1.0;
        scores[48] = 0.5;
        Sweep sweep = NabScorer.sweep(List.of(ONE_WINDOW), List.of(scores), STANDARD);
        assertThat(sweep.thresholds().get(1).raw()).isEqualTo(sweep.thresholds().get(2).raw());
        assertThat(sweep.best().threshold()).isEqualTo(1.0);
    }

    @Test
    void theSweepAgreesWithScoringEachThresholdOnTheBundledSeries() {
        NabCorpus corpus = NabCorpus.bundled();
        Random random = new Random(16);
        List<double[]> scores = corpus.series().stream().map(s -> {
            double[] values = new double[s.rows()];
            for (int i = 0; i < values.length; i++) {
                // mostly quiet, a few alarms of a few levels, as a thresholded detector scores
                values[i] = random.nextDouble() < 0.98 ? 0.0 : 1 + random.nextInt(20) / 4.0;
            }
            return values;
        }).toList();
        for (CostProfile profile : corpus.profiles()) {
            Sweep sweep = NabScorer.sweep(corpus.series(), scores, profile);
            for (ThresholdScore threshold : sweep.thresholds()) {
                assertThat(NabScorer.score(corpus.series(), scores, threshold.threshold(), profile).raw())
                        .as("%s at %s", profile.name(), threshold.threshold())
                        .isCloseTo(threshold.raw(), within(1e-7)); // sums over 100,000 rows in another order
            }
            assertThat(sweep.best().raw()).isEqualTo(sweep.thresholds().stream().mapToDouble(ThresholdScore::raw).max().orElseThrow());
        }
    }
}
