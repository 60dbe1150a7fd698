package io.iotconnect.anomaly;

/** The header names the transforms write and the predicates read. */
public final class AnomalyHeaders {

    /** Boolean: true when FlagAnomaly flagged the reading, false when it checked it and found nothing. */
    public static final String ANOMALY = "anomaly";
    /** String: {@code warning} or {@code critical}, on flagged readings. */
    public static final String SEVERITY = "anomaly.severity";
    /** Double: the highest detector score; 1 at a detector's warning level, 2 at its critical level. */
    public static final String SCORE = "anomaly.score";
    /** String: every reason, separated by {@code "; "}, like {@code temperature=87.2 above critical 80}. */
    public static final String REASONS = "anomaly.reasons";
    /** Double in [0, 1]: the highest likelihood of the reading's likelihood detectors, on every reading they assessed after their warm-up. */
    public static final String LIKELIHOOD = "anomaly.likelihood";
    /** String: {@code start}, {@code ongoing} or {@code end}, on readings that belong to an anomaly episode of their device. */
    public static final String EPISODE = "anomaly.episode";
    /** Long: the start of the reading's episode, epoch milliseconds, with {@link #EPISODE}. */
    public static final String EPISODE_START = "anomaly.episode.start";
    /** Double: the highest score of the reading's episode so far, with {@link #EPISODE}. */
    public static final String EPISODE_PEAK = "anomaly.episode.peak";
    /** Long: the readings of the reading's episode so far, this one included; on the end, the episode's length. */
    public static final String EPISODE_READINGS = "anomaly.episode.readings";
    /** String: every validation error, separated by {@code "; "}, on readings ValidateReading tagged. */
    public static final String VALIDATION_ERRORS = "validation.errors";

    static final String SEPARATOR = "; ";

    private AnomalyHeaders() {
    }
}
