package io.iotconnect.anomaly.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * What the detectors found in one reading: the highest severity, the highest score and every reason. One instance
 * per transform is reset and reused for each record, so a normal reading allocates nothing.
 */
public final class Assessment {

    private Severity severity = Severity.NONE;
    private double score;
    private final List<String> reasons = new ArrayList<>(4);

    void reset() {
        severity = Severity.NONE;
        score = 0.0;
        reasons.clear();
    }

    void add(Severity found, double findingScore, String reason) {
        if (found.compareTo(severity) > 0) {
            severity = found;
        }
        if (findingScore > score) {
            score = findingScore;
        }
        reasons.add(reason);
    }

    public boolean flagged() {
        return severity != Severity.NONE;
    }

    public Severity severity() {
        return severity;
    }

    public double score() {
        return score;
    }

    /** The reasons; a live view, valid until the next reading. */
    public List<String> reasons() {
        return reasons;
    }
}
