package io.iotconnect.anomaly.detect;

import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Check;
import io.iotconnect.anomaly.spec.FieldRules;
import io.iotconnect.common.path.FieldPath;

import java.util.Set;

/**
 * The detectors configured on one numeric field. Stateful ones (z-score, rate, flatline, likelihood) keep
 * {@link #slots()} doubles per device in the device's state array, starting at this field's base offset.
 */
final class FieldDetectors {

    private static final int SLOTS = 7;
    private static final int MEAN = 0;
    private static final int VARIANCE = 1;
    private static final int COUNT = 2;
    private static final int LAST = 3;
    private static final int LAST_TIME = 4;
    private static final int REPEATS = 5;
    private static final int SCALE = 6;

    private final FieldPath path;
    private final String name;
    private final Levels above;
    private final Levels below;
    private final ZScore zscore;
    private final Levels rate;
    private final long flatlineCount;
    private final Severity flatlineSeverity;
    private final LikelihoodDetector likelihood;
    private int base = -1;

    private record ZScore(Levels levels, double clampAt, long warmup, double alpha, double minStddev, double floor) {
    }

    private FieldDetectors(FieldPath path, Levels above, Levels below, ZScore zscore, Levels rate, long flatlineCount,
                           Severity flatlineSeverity, LikelihoodDetector likelihood) {
        this.path = path;
        this.name = path.toString();
        this.above = above;
        this.below = below;
        this.zscore = zscore;
        this.rate = rate;
        this.flatlineCount = flatlineCount;
        this.flatlineSeverity = flatlineSeverity;
        this.likelihood = likelihood;
    }

    static FieldDetectors compile(FieldRules spec) {
        Levels above = null;
        Levels below = null;
        ZScore zscore = null;
        Levels rate = null;
        long flatline = 0;
        Severity flatlineSeverity = Severity.WARNING;
        LikelihoodDetector likelihood = null;
        for (Check check : spec.checks()) {
            switch (check.name()) {
                case "above":
                    above = once(check, above, Levels.from(check.accepts(2, Levels.ARGUMENTS), false));
                    break;
                case "below":
                    below = once(check, below, Levels.from(check.accepts(2, Levels.ARGUMENTS), true));
                    break;
                case "zscore": {
                    check.accepts(0, Set.of("warning", "critical", "warmup", "alpha", "min.stddev", "floor"));
                    double warning = check.number("warning", -1, 3.0);
                    double critical = check.number("critical", -1, Math.max(5.0, warning + 1.0));
                    if (warning <= 0 || critical <= warning) {
                        throw check.error("needs 0 < warning < critical, got warning " + Values.number(warning)
                                + " and critical " + Values.number(critical));
                    }
                    double alpha = check.number("alpha", -1, 0.05);
                    if (alpha <= 0 || alpha >= 1) {
                        throw check.error("has alpha " + Values.number(alpha) + "; the smoothing factor must be between 0 and 1 "
                                + "(0.05 weighs about the last 40 readings)");
                    }
                    double minStddev = check.number("min.stddev", -1, 0.0);
                    if (minStddev < 0) {
                        throw check.error("has a negative min.stddev");
                    }
                    double floor = check.number("floor", -1, 0.01);
                    if (floor < 0 || floor >= 1) {
                        throw check.error("has floor=" + Values.number(floor) + "; the standard deviation's floor is a fraction "
                                + "of the signal's typical magnitude, from 0 (none) to below 1");
                    }
                    long warmup = check.positiveLong("warmup", -1, 30);
                    zscore = once(check, zscore, new ZScore(new Levels(warning, critical), warning, warmup, alpha, minStddev, floor));
                    break;
                }
                case "rate": {
                    Levels levels = Levels.from(check.accepts(2, Levels.ARGUMENTS), false);
                    rate = once(check, rate, levels);
                    break;
                }
                case "flatline": {
                    check.accepts(1, Set.of("count", "severity"));
                    if (flatline > 0) {
                        throw check.error("is given twice for this field");
                    }
                    flatline = check.positiveLong("count", 0, 0);
                    if (flatline < 2) {
                        throw check.error("needs a count of at least 2 identical readings in a row, like flatline(20)");
                    }
                    String severity = check.text("severity", -1);
                    if (severity != null) {
                        try {
                            flatlineSeverity = Severity.parse(severity);
                        } catch (IllegalArgumentException e) {
                            throw check.error("has severity=" + severity + "; write warning or critical");
                        }
                    }
                    break;
                }
                case "likelihood":
                    likelihood = once(check, likelihood, LikelihoodDetector.compile(check));
                    break;
                default:
                    throw check.error("is not a detector; use above(warning, critical), below(warning, critical), "
                            + "likelihood(raise=0.9999), zscore(warning=3, critical=5, warmup=30, alpha=0.05), "
                            + "rate(warning, critical), flatline(count)");
            }
        }
        return new FieldDetectors(spec.path(), above, below, zscore, rate, flatline, flatlineSeverity, likelihood);
    }

    private static <T> T once(Check check, T existing, T created) {
        if (existing != null) {
            throw check.error("is given twice for this field; combine its levels in one");
        }
        return created;
    }

    boolean stateful() {
        return zscore != null || rate != null || flatlineCount > 0 || likelihood != null;
    }

    /** The doubles this field keeps per device. */
    int slots() {
        return SLOTS + (likelihood == null ? 0 : likelihood.slots());
    }

    void base(int base) {
        this.base = base;
    }

    FieldPath path() {
        return path;
    }

    /**
     * Runs this field's detectors on the reading and updates the device's state.
     *
     * @param state the device's state, or null when the reading has no device (stateless detectors only)
     */
    void evaluate(Object operand, long time, double[] state, Assessment out) {
        Object raw = path.get(operand);
        if (!(raw instanceof Number)) {
            return; // absent or not numeric: ValidateReading's job, not an anomaly
        }
        double value = Values.asDouble(raw);
        if (!Double.isFinite(value)) {
            out.add(Severity.CRITICAL, 2.0, name + "=" + Values.number(value) + " is not a finite number");
            return;
        }
        if (above != null) {
            Severity severity = above.severity(value);
            if (severity != Severity.NONE) {
                out.add(severity, above.score(value), name + "=" + Values.number(value) + " above " + severity.word() + " "
                        + above.level(severity, false));
            }
        }
        if (below != null) {
            Severity severity = below.severity(-value);
            if (severity != Severity.NONE) {
                out.add(severity, below.score(-value), name + "=" + Values.number(value) + " below " + severity.word() + " "
                        + below.level(severity, true));
            }
        }
        if (state == null || base < 0) {
            return;
        }
        if (zscore != null) {
            zscore(value, state, out);
        }
        if (likelihood != null) {
            likelihood.evaluate(name, value, time, state, base + SLOTS, out);
        }
        double last = state[base + LAST];
        double lastTime = state[base + LAST_TIME];
        boolean inOrder = Double.isNaN(lastTime) || time >= lastTime;
        if (rate != null && !Double.isNaN(last) && time > lastTime) {
            double seconds = (time - lastTime) / 1000.0;
            double change = Math.abs(value - last);
            double perSecond = change / seconds;
            Severity severity = rate.severity(perSecond);
            if (severity != Severity.NONE) {
                out.add(severity, rate.score(perSecond), name + " changed by " + Values.rounded(change) + " in "
                        + Values.rounded(seconds) + "s (" + Values.rounded(perSecond) + "/s), above " + severity.word() + " "
                        + rate.level(severity, false) + "/s");
            }
        }
        if (flatlineCount > 0) {
            double repeats = value == last ? state[base + REPEATS] + 1 : 1;
            state[base + REPEATS] = repeats;
            if (repeats >= flatlineCount) {
                // The same score however long the run: a long run is one incident, not a growing one (see episodes).
                double score = flatlineSeverity == Severity.CRITICAL ? 2.0 : 1.0;
                out.add(flatlineSeverity, score, name + " stuck at " + Values.number(value) + " for " + (long) repeats + " readings");
            }
        }
        if (inOrder) {
            state[base + LAST] = value;
            state[base + LAST_TIME] = time;
        }
    }

    private void zscore(double value, double[] state, Assessment out) {
        int at = base;
        double mean = state[at + MEAN];
        double variance = state[at + VARIANCE];
        double count = state[at + COUNT];
        // The floor keeps a constant stretch from shrinking the deviation to nothing, so the next ordinary change is not
        // millions of standard deviations away.
        double stddev = Math.max(Math.sqrt(variance), zscore.minStddev() + zscore.floor() * state[at + SCALE]);
        boolean outlier = false;
        if (count >= zscore.warmup() && stddev > 0) {
            double z = (value - mean) / stddev;
            double magnitude = Math.abs(z);
            Severity severity = zscore.levels().severity(magnitude);
            if (severity != Severity.NONE) {
                outlier = true;
                out.add(severity, zscore.levels().score(magnitude), name + "=" + Values.number(value) + " z-score "
                        + Values.rounded(z) + " beyond " + severity.word() + " " + zscore.levels().level(severity, false)
                        + " (mean " + Values.rounded(mean) + ", stddev " + Values.rounded(stddev) + ")");
            }
        }
        // An outlier moves the baseline only as far as the warning band, so one spike cannot hide the next ones,
        // while a lasting level shift is still absorbed over time.
        double update = outlier ? mean + Math.copySign(zscore.clampAt() * stddev, value - mean) : value;
        if (count == 0) {
            state[at + MEAN] = update;
            state[at + VARIANCE] = 0.0;
            state[at + SCALE] = Math.abs(value);
        } else {
            double alpha = Math.max(zscore.alpha(), 1.0 / (count + 1));
            state[at + SCALE] += alpha * (Math.abs(value) - state[at + SCALE]);
            double diff = update - mean;
            double increment = alpha * diff;
            state[at + MEAN] = mean + increment;
            state[at + VARIANCE] = (1 - alpha) * (variance + diff * increment);
        }
        state[at + COUNT] = count + 1;
    }

    /** Fresh state for this field: no readings yet. */
    void initialise(double[] state) {
        state[base + MEAN] = 0.0;
        state[base + VARIANCE] = 0.0;
        state[base + COUNT] = 0.0;
        state[base + LAST] = Double.NaN;
        state[base + LAST_TIME] = Double.NaN;
        state[base + REPEATS] = 0.0;
        state[base + SCALE] = 0.0;
        if (likelihood != null) {
            likelihood.initialise(state, base + SLOTS);
        }
    }
}
