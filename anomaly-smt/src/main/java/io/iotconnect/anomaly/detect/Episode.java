package io.iotconnect.anomaly.detect;

/** Where a reading stands in its device's anomaly episodes. */
public enum Episode {
    /** Not part of an episode. */
    NONE,
    /** The first reading of an episode: what an alert is raised on. */
    START,
    /** A later reading of an open episode, flagged or not (a quiet reading before the episode clears). */
    ONGOING,
    /** The reading that closes an episode: the device has been quiet for the clear time. */
    END;

    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
