package io.iotconnect.anomaly.detect;

import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Check;

import java.util.Set;

/**
 * A warning and a critical level on a measure where larger is worse (a value above a limit, a z-score, a rate).
 * Scores are normalised across detectors: 1 at the warning level, 2 at the critical level, linear between and
 * beyond; with only one level set, the distance past it is scaled by the level's own size.
 */
final class Levels {

    static final Set<String> ARGUMENTS = Set.of("warning", "critical");

    private final double warning;
    private final double critical;

    Levels(double warning, double critical) {
        this.warning = warning;
        this.critical = critical;
    }

    /** Reads {@code (warning, critical)}, by position or name; at least one, warning not past critical. */
    static Levels from(Check check, boolean mirrored) {
        double warning = check.number("warning", 0, Double.NaN);
        double critical = check.number("critical", 1, Double.NaN);
        if (Double.isNaN(warning) && Double.isNaN(critical)) {
            throw check.error("needs a warning level, a critical level or both, like " + check.name() + "(warning=35, critical=80)");
        }
        if (!Double.isNaN(warning) && !Double.isNaN(critical)) {
            boolean ordered = mirrored ? warning > critical : warning < critical;
            if (!ordered) {
                throw check.error("has warning " + Values.number(warning) + " and critical " + Values.number(critical)
                        + "; the critical level must be " + (mirrored ? "below" : "above") + " the warning level");
            }
        }
        return mirrored ? new Levels(-warning, -critical) : new Levels(warning, critical);
    }

    /** The severity of a measure (already negated for mirrored levels). */
    Severity severity(double measure) {
        if (!Double.isNaN(critical) && measure > critical) {
            return Severity.CRITICAL;
        }
        if (!Double.isNaN(warning) && measure > warning) {
            return Severity.WARNING;
        }
        return Severity.NONE;
    }

    double score(double measure) {
        if (!Double.isNaN(warning) && !Double.isNaN(critical)) {
            return 1.0 + (measure - warning) / (critical - warning);
        }
        if (!Double.isNaN(warning)) {
            return 1.0 + (measure - warning) / Math.max(Math.abs(warning), 1.0);
        }
        return 2.0 + (measure - critical) / Math.max(Math.abs(critical), 1.0);
    }

    /** The level a severity refers to, as written (un-mirrored when {@code mirrored}). */
    String level(Severity severity, boolean mirrored) {
        double level = severity == Severity.CRITICAL ? critical : warning;
        return Values.number(mirrored ? -level : level);
    }
}
