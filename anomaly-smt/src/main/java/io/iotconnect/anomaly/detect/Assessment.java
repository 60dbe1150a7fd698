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
    private double likelihood;
    private Episode episode = Episode.NONE;
    private long episodeStart;
    private double episodePeak;
    private long episodeReadings;
    private final List<String> reasons = new ArrayList<>(4);

    void reset() {
        severity = Severity.NONE;
        score = 0.0;
        likelihood = 0.0;
        episode = Episode.NONE;
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

    void add(Severity found, double findingScore, double findingLikelihood, String reason) {
        add(found, findingScore, reason);
        likelihood(findingLikelihood);
    }

    /** A likelihood detector's result on a reading it did not flag. */
    void likelihood(double value) {
        if (value > likelihood) {
            likelihood = value;
        }
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

    /** The highest likelihood of the reading's likelihood detectors, in [0, 1]; 0 without one (or in its warm-up). */
    public double likelihood() {
        return likelihood;
    }

    void episode(Episode where, long start, double peak, long readings) {
        episode = where;
        episodeStart = start;
        episodePeak = peak;
        episodeReadings = readings;
    }

    /** The readings of the reading's episode so far, this one included (on an end: the episode's length). */
    public long episodeReadings() {
        return episodeReadings;
    }

    /** Where the reading stands in its device's episodes ({@link Episode#NONE} without a device, or outside one). */
    public Episode episode() {
        return episode;
    }

    /** The start (epoch ms) of the reading's episode, when {@link #episode()} is not NONE. */
    public long episodeStart() {
        return episodeStart;
    }

    /** The highest score of the reading's episode so far, when {@link #episode()} is not NONE. */
    public double episodePeak() {
        return episodePeak;
    }

    /** The reasons; a live view, valid until the next reading. */
    public List<String> reasons() {
        return reasons;
    }
}
