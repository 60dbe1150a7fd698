package io.iotconnect.bench.accuracy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NAB's scoring rules, as its current code applies them (numenta/NAB: {@code nab/sweeper.py}, which both its optimizer
 * and its scoring step use, and {@code nab/runner.py} for the normalisation):
 *
 * <ul>
 *   <li><b>Probation</b>: the first {@code min(floor(0.15 * rows), 750)} rows of each file are not scored at all: a
 *       detection there costs nothing, and a window only counts through its rows after probation.</li>
 *   <li><b>Windows</b>: a row {@code i} of a window from row {@code first} to {@code last} ({@code length} rows) sits
 *       at position {@code -(last - i + 1) / length}: -1 on the first row, just above 0 on the last. A detection there
 *       earns {@code tpWeight * S(position) / S(-1)}, so exactly {@code tpWeight} on the window's first row, where
 *       {@code S(x) = 2 / (1 + e^(5x)) - 1} is NAB's scaled sigmoid ({@code -1} from {@code x >= 3} on). Only the
 *       window's best detection (its earliest) counts; a window without one costs {@code -fnWeight}.</li>
 *   <li><b>False positives</b>: a detection outside every window, after a window ending on row {@code last} of
 *       {@code length} rows, adds {@code fpWeight * S((i - last) / (length - 1))}: little just after the window, the
 *       full {@code -fpWeight} from three window lengths on; before the file's first window, {@code -fpWeight}. Every
 *       such detection counts, not only the first.</li>
 *   <li><b>Threshold</b>: a row is a detection when its anomaly score is at least the threshold. NAB's optimizer
 *       sweeps every score value of the whole corpus (all files together) from the highest down and keeps, per
 *       profile, the one with the highest total; on a tie the higher threshold, as NAB's stable sort does.</li>
 *   <li><b>Normalisation</b>, over the whole corpus per profile: {@code 100 * (raw - null) / (perfect - null)}, where
 *       null is the raw score of the null detector (no detection: every scored window missed) and perfect is
 *       {@code tpWeight} times the number of windows.</li>
 * </ul>
 */
public final class NabScorer {

    public static final double PROBATION_FRACTION = 0.15;
    /** NAB writes it as {@code probationPercent * 5000}. */
    public static final int PROBATION_MAX_ROWS = 750;

    /** Rows of a series outside every window. */
    static final int OUTSIDE = -1;
    /** Rows of the probationary period: never scored. */
    static final int PROBATION = -2;

    /** What the sigmoid gives a window's first row; detections in windows are divided by it. */
    private static final double FIRST_ROW = scaledSigmoid(-1.0);

    private NabScorer() {
    }

    /** The rows at the start of a file that are not scored. */
    public static int probationRows(int rows) {
        return (int) Math.min(Math.floor(PROBATION_FRACTION * rows), PROBATION_MAX_ROWS);
    }

    /**
     * NAB's scaled sigmoid of a position relative to a window's end: about 0.987 at -1 (a window's start), 0 at 0 (its
     * end), about -0.987 at 1, and -1 from 3 on.
     */
    public static double scaledSigmoid(double position) {
        if (position >= 3.0) {
            return -1.0;
        }
        return 2.0 / (1.0 + Math.exp(5.0 * position)) - 1.0;
    }

    /**
     * What a detection on each row of a series would add to its score under a profile, and which window the row is in
     * ({@link #OUTSIDE}, {@link #PROBATION}, or the window's index).
     */
    record RowWeights(int[] window, double[] weight, boolean[] windowScored) {

        int scoredWindows() {
            int scored = 0;
            for (boolean counted : windowScored) {
                scored += counted ? 1 : 0;
            }
            return scored;
        }
    }

    static RowWeights weigh(LabelledSeries series, CostProfile profile) {
        int rows = series.rows();
        int probation = probationRows(rows);
        List<LabelledSeries.Window> windows = series.windows();
        int[] window = new int[rows];
        double[] weight = new double[rows];
        boolean[] scored = new boolean[windows.size()];
        int next = 0;
        LabelledSeries.Window previous = null;
        for (int i = 0; i < rows; i++) {
            while (next < windows.size() && windows.get(next).last() < i) {
                previous = windows.get(next++);
            }
            if (next < windows.size() && windows.get(next).contains(i)) {
                LabelledSeries.Window current = windows.get(next);
                double position = -(current.last() - i + 1) / (double) current.length();
                weight[i] = profile.tpWeight() * scaledSigmoid(position) / FIRST_ROW;
                window[i] = next;
            } else {
                // NAB divides by (length - 1); a one-row window would divide by zero there, so it counts as two rows.
                double position = previous == null ? 3.0 : (i - previous.last()) / (double) Math.max(previous.length() - 1, 1);
                weight[i] = profile.fpWeight() * scaledSigmoid(position);
                window[i] = OUTSIDE;
            }
            if (i < probation) {
                window[i] = PROBATION;
            } else if (window[i] >= 0) {
                scored[window[i]] = true;
            }
        }
        return new RowWeights(window, weight, scored);
    }

    /**
     * The score of one series' detections.
     *
     * @param raw               NAB's raw score
     * @param windows           windows with scored rows
     * @param windowsDetected   of those, the windows with a detection
     * @param falsePositives    detections outside every window, after probation
     * @param scoredRows        rows after probation
     */
    public record SeriesScore(double raw, int windows, int windowsDetected, int falsePositives, int scoredRows) {

        public static final SeriesScore EMPTY = new SeriesScore(0, 0, 0, 0, 0);

        public SeriesScore plus(SeriesScore other) {
            return new SeriesScore(raw + other.raw, windows + other.windows, windowsDetected + other.windowsDetected,
                    falsePositives + other.falsePositives, scoredRows + other.scoredRows);
        }
    }

    /** Scores a series' detections ({@code detected[i]}: the detector alarmed on row i). */
    public static SeriesScore score(LabelledSeries series, boolean[] detected, CostProfile profile) {
        if (detected.length != series.rows()) {
            throw new IllegalArgumentException(series.name() + ": " + detected.length + " detections for " + series.rows() + " rows");
        }
        RowWeights weights = weigh(series, profile);
        double[] best = new double[series.windows().size()];
        Arrays.fill(best, Double.NaN);
        double falsePositiveScore = 0;
        int falsePositives = 0;
        int scoredRows = 0;
        for (int i = 0; i < detected.length; i++) {
            int window = weights.window()[i];
            if (window == PROBATION) {
                continue;
            }
            scoredRows++;
            if (!detected[i]) {
                continue;
            }
            if (window == OUTSIDE) {
                falsePositiveScore += weights.weight()[i];
                falsePositives++;
            } else if (Double.isNaN(best[window])) {
                best[window] = weights.weight()[i];
            }
        }
        double raw = falsePositiveScore;
        int windows = 0;
        int detectedWindows = 0;
        for (int w = 0; w < best.length; w++) {
            if (!weights.windowScored()[w]) {
                continue;
            }
            windows++;
            if (Double.isNaN(best[w])) {
                raw -= profile.fnWeight();
            } else {
                raw += best[w];
                detectedWindows++;
            }
        }
        return new SeriesScore(raw, windows, detectedWindows, falsePositives, scoredRows);
    }

    /** Scores every series of a corpus with the detections {@code score >= threshold}. */
    public static SeriesScore score(List<LabelledSeries> corpus, List<double[]> anomalyScores, double threshold, CostProfile profile) {
        SeriesScore total = SeriesScore.EMPTY;
        for (int s = 0; s < corpus.size(); s++) {
            total = total.plus(score(corpus.get(s), detections(anomalyScores.get(s), threshold), profile));
        }
        return total;
    }

    public static boolean[] detections(double[] anomalyScores, double threshold) {
        boolean[] detected = new boolean[anomalyScores.length];
        for (int i = 0; i < anomalyScores.length; i++) {
            detected[i] = anomalyScores[i] >= threshold;
        }
        return detected;
    }

    /** The corpus's raw score at one threshold of a sweep ({@code +Infinity}: no detection at all). */
    public record ThresholdScore(double threshold, double raw) {

        public boolean never() {
            return threshold == Double.POSITIVE_INFINITY;
        }
    }

    /**
     * A profile's threshold sweep over a corpus: the raw score at every threshold, the best of them, and the null and
     * perfect raw scores that normalise it.
     */
    public record Sweep(CostProfile profile, List<ThresholdScore> thresholds, ThresholdScore best, double nullRaw, double perfectRaw) {

        public double normalised(double raw) {
            return NabScorer.normalise(raw, nullRaw, perfectRaw);
        }

        /** The normalised score at the optimizer's threshold: NAB's figure for this profile. */
        public double bestNormalised() {
            return normalised(best.raw());
        }
    }

    public static double normalise(double raw, double nullRaw, double perfectRaw) {
        return 100.0 * (raw - nullRaw) / (perfectRaw - nullRaw);
    }

    /** The raw score of the null detector, which never alarms: every scored window missed. */
    public static double nullRaw(List<LabelledSeries> corpus, CostProfile profile) {
        double raw = 0;
        for (LabelledSeries series : corpus) {
            raw -= profile.fnWeight() * weigh(series, profile).scoredWindows();
        }
        return raw;
    }

    /** The raw score of a perfect detector, alarming on the first row of each window and nowhere else. */
    public static double perfectRaw(List<LabelledSeries> corpus, CostProfile profile) {
        return profile.tpWeight() * corpus.stream().mapToInt(s -> s.windows().size()).sum();
    }

    /**
     * NAB's optimizer: sweeps every distinct anomaly score of the corpus from the highest down, scoring the corpus with
     * the detections {@code score >= threshold} at each, and keeps the best (the highest threshold among equals).
     *
     * @param anomalyScores the detector's score on each row of each series, in the corpus's order
     */
    public static Sweep sweep(List<LabelledSeries> corpus, List<double[]> anomalyScores, CostProfile profile) {
        if (anomalyScores.size() != corpus.size()) {
            throw new IllegalArgumentException(anomalyScores.size() + " score series for " + corpus.size() + " series");
        }
        int candidates = 0;
        int windowCount = 0;
        List<RowWeights> weights = new ArrayList<>(corpus.size());
        for (int s = 0; s < corpus.size(); s++) {
            LabelledSeries series = corpus.get(s);
            if (anomalyScores.get(s).length != series.rows()) {
                throw new IllegalArgumentException(series.name() + ": " + anomalyScores.get(s).length + " scores for " + series.rows() + " rows");
            }
            RowWeights rowWeights = weigh(series, profile);
            weights.add(rowWeights);
            candidates += series.rows() - probationRows(series.rows());
            windowCount += series.windows().size();
        }
        // Every scored row of the corpus: its anomaly score, its window (numbered across the corpus) and its weight.
        double[] score = new double[candidates];
        int[] window = new int[candidates];
        double[] weight = new double[candidates];
        double[] part = new double[windowCount];
        boolean[] scored = new boolean[windowCount];
        int row = 0;
        int windowBase = 0;
        for (int s = 0; s < corpus.size(); s++) {
            RowWeights rowWeights = weights.get(s);
            double[] scores = anomalyScores.get(s);
            for (int i = 0; i < scores.length; i++) {
                if (rowWeights.window()[i] == PROBATION) {
                    continue;
                }
                if (Double.isNaN(scores[i])) {
                    throw new IllegalArgumentException(corpus.get(s).name() + " row " + i + ": the anomaly score is NaN");
                }
                score[row] = scores[i];
                window[row] = rowWeights.window()[i] == OUTSIDE ? OUTSIDE : windowBase + rowWeights.window()[i];
                weight[row] = rowWeights.weight()[i];
                row++;
            }
            for (int w = 0; w < rowWeights.windowScored().length; w++) {
                scored[windowBase + w] = rowWeights.windowScored()[w];
                part[windowBase + w] = rowWeights.windowScored()[w] ? -profile.fnWeight() : 0.0;
            }
            windowBase += rowWeights.windowScored().length;
        }
        Integer[] order = new Integer[candidates];
        for (int i = 0; i < candidates; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));

        List<ThresholdScore> thresholds = new ArrayList<>();
        double falsePositives = 0;
        ThresholdScore best = new ThresholdScore(Double.POSITIVE_INFINITY, sum(part));
        thresholds.add(best);
        int k = 0;
        while (k < candidates) {
            double threshold = score[order[k]];
            // Every row at this score becomes a detection together.
            for (; k < candidates && score[order[k]] == threshold; k++) {
                int at = order[k];
                if (window[at] == OUTSIDE) {
                    falsePositives += weight[at];
                } else if (scored[window[at]]) {
                    part[window[at]] = Math.max(part[window[at]], weight[at]);
                }
            }
            ThresholdScore current = new ThresholdScore(threshold, falsePositives + sum(part));
            thresholds.add(current);
            if (current.raw() > best.raw()) {
                best = current;
            }
        }
        return new Sweep(profile, List.copyOf(thresholds), best, nullRaw(corpus, profile), perfectRaw(corpus, profile));
    }

    private static double sum(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum;
    }
}
