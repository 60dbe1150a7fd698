package io.iotconnect.anomaly.detect;

import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Check;
import io.iotconnect.anomaly.spec.Durations;

import java.time.Duration;
import java.util.Set;

/**
 * {@code likelihood(...)}: how unusual a field's recent deviation from the device's own baseline is, as a probability
 * in [0, 1] that means the same on every device and metric (in the spirit of Numenta's anomaly likelihood).
 *
 * <ol>
 *   <li><b>Baseline.</b> An exponentially weighted level and spread (mean absolute deviation) that forget by elapsed
 *   time, not per reading, so irregular sampling and gaps keep their meaning; with {@code season=daily} (the default)
 *   one level and spread per hour of the day (UTC), so a daily ramp is normal. A reading moves the baseline by at most
 *   {@link #CLIP} spreads, so an outlier does not drag it, while a lasting shift is absorbed over time. The spread
 *   never falls below {@code floor} times the signal's typical magnitude (plus {@code min.spread}), so a constant
 *   stretch cannot make the next ordinary change look infinite.</li>
 *   <li><b>Deviation.</b> The distance from the baseline in spreads (capped at {@link #MAX_DEVIATION}), averaged over
 *   the last {@code window} of time: one odd reading barely moves it, a sustained change does.</li>
 *   <li><b>Likelihood.</b> That average against its own long-run distribution over {@code history} (mean and
 *   variance, forgetting by time): the normal probability of the recent deviation being at most what it is. Raised at
 *   {@code raise} (warning) or {@code critical}; once raised, a reading stays flagged while the likelihood is at or
 *   above {@code clear} (hysteresis), so one incident does not flicker on and off.</li>
 * </ol>
 *
 * <p>State: {@link #GLOBAL_SLOTS} doubles per device and field, plus {@value #BUCKETS} hourly buckets of
 * {@link #BUCKET_SLOTS} doubles with the daily season. Backwards or repeated timestamps neither forget nor advance the
 * clock. The first {@code warmup} readings are assessed but never flagged.
 */
final class LikelihoodDetector {

    static final Set<String> ARGUMENTS = Set.of("season", "half.life", "spread.half.life", "season.half.life", "window",
            "history", "raise", "critical", "clear", "warmup", "floor", "min.spread");
    static final String SYNTAX = "likelihood(season=daily, half.life=6h, spread.half.life=1d, season.half.life=3d, "
            + "window=15m, history=7d, raise=0.9999, critical=0.99999, clear=0.9, warmup=50, floor=0.01, min.spread=0)";

    /** How far, in spreads, one reading may move the baseline. */
    static final double CLIP = 2.0;
    /** The largest deviation a reading contributes, in spreads: one absurd value must not dominate for days. */
    static final double MAX_DEVIATION = 50.0;
    /** The spread of a normal distribution from its mean absolute deviation. */
    private static final double MAD_TO_STDDEV = 1.2533141373155;
    /** The least standard deviation of the long-run deviation average, so a perfectly regular series is not certain. */
    private static final double MIN_HISTORY_STDDEV = 0.05;
    static final int BUCKETS = 24;
    private static final long HOUR_MILLIS = 3_600_000L;
    private static final long DAY_MILLIS = 24 * HOUR_MILLIS;

    private static final int LEVEL = 0;
    private static final int SPREAD = 1;
    private static final int SCALE = 2;
    private static final int COUNT = 3;
    private static final int LAST_TIME = 4;
    private static final int RECENT = 5;
    private static final int HISTORY_MEAN = 6;
    private static final int HISTORY_VARIANCE = 7;
    private static final int RAISED = 8;
    static final int GLOBAL_SLOTS = 9;
    private static final int BUCKET_LEVEL = 0;
    private static final int BUCKET_SPREAD = 1;
    private static final int BUCKET_TIME = 2;
    private static final int BUCKET_COUNT = 3;
    static final int BUCKET_SLOTS = 4;

    private final boolean daily;
    private final double halfLife;
    private final double spreadHalfLife;
    private final double seasonHalfLife;
    private final double window;
    private final double history;
    private final double raise;
    private final double critical;
    private final double clear;
    private final long warmup;
    private final double floor;
    private final double minSpread;

    private LikelihoodDetector(boolean daily, Duration halfLife, Duration spreadHalfLife, Duration seasonHalfLife,
                               Duration window, Duration history, double raise, double critical, double clear, long warmup,
                               double floor, double minSpread) {
        this.daily = daily;
        this.halfLife = halfLife.toMillis();
        this.spreadHalfLife = spreadHalfLife.toMillis();
        this.seasonHalfLife = seasonHalfLife.toMillis();
        this.window = window.toMillis();
        this.history = history.toMillis();
        this.raise = raise;
        this.critical = critical;
        this.clear = clear;
        this.warmup = warmup;
        this.floor = floor;
        this.minSpread = minSpread;
    }

    static LikelihoodDetector compile(Check check) {
        check.accepts(0, ARGUMENTS);
        String season = check.text("season", -1);
        boolean daily;
        if (season == null || season.equals("daily")) {
            daily = true;
        } else if (season.equals("none")) {
            daily = false;
        } else {
            throw check.error("has season=" + season + "; write daily (a baseline per hour of the day) or none");
        }
        double raise = check.number("raise", -1, 0.9999);
        double critical = check.number("critical", -1, Math.max(0.99999, raise));
        double clear = check.number("clear", -1, Math.min(0.9, raise));
        if (!(clear > 0 && clear <= raise && raise < 1 && raise <= critical && critical < 1)) {
            throw check.error("needs 0 < clear <= raise <= critical < 1, got clear " + Values.number(clear) + ", raise "
                    + Values.number(raise) + " and critical " + Values.number(critical));
        }
        double floor = check.number("floor", -1, 0.01);
        if (floor < 0 || floor >= 1) {
            throw check.error("has floor=" + Values.number(floor) + "; the spread's floor is a fraction of the signal's "
                    + "magnitude, from 0 to below 1 (0.01: changes under 1 % of the level are never unusual by themselves)");
        }
        double minSpread = check.number("min.spread", -1, 0.0);
        if (minSpread < 0) {
            throw check.error("has a negative min.spread");
        }
        if (floor == 0 && minSpread == 0) {
            throw check.error("needs floor or min.spread above 0, or a constant stretch makes the next change infinite");
        }
        return new LikelihoodDetector(daily, duration(check, "half.life", "6h"), duration(check, "spread.half.life", "1d"),
                duration(check, "season.half.life", "3d"), duration(check, "window", "15m"), duration(check, "history", "7d"),
                raise, critical, clear, check.positiveLong("warmup", -1, 50), floor, minSpread);
    }

    private static Duration duration(Check check, String name, String fallback) {
        Duration duration = check.text(name, -1) == null ? Durations.parse(fallback) : check.duration(name, -1);
        if (duration.isZero() || duration.isNegative()) {
            throw check.error("has " + name + "=" + Durations.format(duration) + "; it must be longer than 0");
        }
        return duration;
    }

    int slots() {
        return GLOBAL_SLOTS + (daily ? BUCKETS * BUCKET_SLOTS : 0);
    }

    void initialise(double[] state, int base) {
        for (int i = 0; i < slots(); i++) {
            state[base + i] = 0.0;
        }
        state[base + LAST_TIME] = Double.NaN;
    }

    /** Assesses {@code value} at {@code time} (epoch ms), reports the likelihood (none in the warm-up) and learns. */
    void evaluate(String name, double value, long time, double[] state, int base, Assessment out) {
        double count = state[base + COUNT];
        double lastTime = state[base + LAST_TIME];
        if (count == 0) {
            state[base + LEVEL] = value;
            state[base + SCALE] = Math.abs(value);
            state[base + LAST_TIME] = time;
            state[base + COUNT] = 1;
            return;
        }
        // Backwards or repeated times: no forgetting, and the clock stays where it was.
        double elapsed = Math.max(0.0, time - lastTime);
        double levelWeight = Math.max(forget(elapsed, halfLife), 1.0 / (count + 1));
        double spreadWeight = Math.max(forget(elapsed, spreadHalfLife), 1.0 / (count + 1));

        int bucket = daily ? base + GLOBAL_SLOTS + hourOfDay(time) * BUCKET_SLOTS : -1;
        boolean seasonal = bucket >= 0 && state[bucket + BUCKET_COUNT] > 0;
        double level = seasonal ? state[bucket + BUCKET_LEVEL] : state[base + LEVEL];
        double spread = seasonal ? state[bucket + BUCKET_SPREAD] : state[base + SPREAD];
        double stddev = Math.max(MAD_TO_STDDEV * spread, floor * state[base + SCALE] + minSpread);
        double deviation = stddev > 0 ? Math.min(Math.abs(value - level) / stddev, MAX_DEVIATION)
                : value == level ? 0.0 : MAX_DEVIATION;

        // The recent deviation against its long-run distribution.
        double recent = count > 1
                ? state[base + RECENT] + forget(Math.max(elapsed, 1.0), window) * (deviation - state[base + RECENT])
                : deviation;
        state[base + RECENT] = recent;
        double historyMean = state[base + HISTORY_MEAN];
        double historyVariance = state[base + HISTORY_VARIANCE];
        if (count == 1) {
            historyMean = recent;
            historyVariance = 0.0;
        } else {
            double historyWeight = Math.max(forget(elapsed, history), 1.0 / count);
            double diff = recent - historyMean;
            historyMean += historyWeight * diff;
            historyVariance = (1 - historyWeight) * (historyVariance + historyWeight * diff * diff);
        }
        state[base + HISTORY_MEAN] = historyMean;
        state[base + HISTORY_VARIANCE] = historyVariance;
        double likelihood = count >= warmup
                ? normalCdf((recent - historyMean) / Math.max(Math.sqrt(historyVariance), MIN_HISTORY_STDDEV))
                : 0.0;

        boolean raised = state[base + RAISED] > 0;
        boolean flagged = likelihood >= (raised ? clear : raise);
        state[base + RAISED] = flagged ? 1.0 : 0.0;
        if (flagged) {
            Severity severity = likelihood >= critical ? Severity.CRITICAL : Severity.WARNING;
            // 1 at raise, 2 at critical, like every detector's score; the likelihood itself is in its own header.
            double score = severity == Severity.CRITICAL ? 2.0 : 1.0 + Math.max(0.0, (likelihood - raise) / (critical - raise));
            out.add(severity, score, likelihood, name + "=" + Values.number(value) + " unusual: likelihood "
                    + Values.rounded(likelihood * 100.0) + "% over the last " + Durations.format(Duration.ofMillis((long) window))
                    + " (baseline " + Values.rounded(level) + " +/- " + Values.rounded(stddev) + (seasonal ? " at this hour" : "") + ")");
        } else if (likelihood > 0) {
            out.likelihood(likelihood);
        }

        // Learn, moving at most CLIP spreads towards the reading.
        double clipped = level + Math.max(-CLIP * stddev, Math.min(CLIP * stddev, value - level));
        state[base + LEVEL] += levelWeight * (clipped - state[base + LEVEL]);
        state[base + SPREAD] += spreadWeight * (Math.abs(clipped - level) - state[base + SPREAD]);
        if (bucket >= 0) {
            double bucketCount = state[bucket + BUCKET_COUNT];
            if (bucketCount == 0) {
                state[bucket + BUCKET_LEVEL] = value;
                state[bucket + BUCKET_SPREAD] = state[base + SPREAD];
            } else {
                double bucketWeight = Math.max(forget(Math.max(0.0, time - state[bucket + BUCKET_TIME]), seasonHalfLife),
                        1.0 / (bucketCount + 1));
                state[bucket + BUCKET_LEVEL] += bucketWeight * (clipped - state[bucket + BUCKET_LEVEL]);
                state[bucket + BUCKET_SPREAD] += bucketWeight
                        * (Math.abs(clipped - state[bucket + BUCKET_LEVEL]) - state[bucket + BUCKET_SPREAD]);
            }
            state[bucket + BUCKET_TIME] = Math.max(time, state[bucket + BUCKET_TIME]);
            state[bucket + BUCKET_COUNT] = bucketCount + 1;
        }
        state[base + SCALE] += levelWeight * (Math.abs(value) - state[base + SCALE]);
        state[base + COUNT] = count + 1;
        if (time > lastTime) {
            state[base + LAST_TIME] = time;
        }
    }

    /** The weight of the newest observation after {@code elapsed} ms with a half-life of {@code halfLife} ms. */
    private static double forget(double elapsed, double halfLife) {
        return -Math.expm1(-elapsed / halfLife * Math.log(2.0));
    }

    private static int hourOfDay(long time) {
        return (int) (Math.floorMod(time, DAY_MILLIS) / HOUR_MILLIS);
    }

    /** The standard normal distribution function. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2.0));
    }

    /** The complementary error function, by the Chebyshev fit published in Numerical Recipes (fractional error below 1.2e-7). */
    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2.0 - r;
    }
}
