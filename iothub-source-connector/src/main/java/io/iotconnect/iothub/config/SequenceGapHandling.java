package io.iotconnect.iothub.config;

/** What a partition's event after a gap in sequence numbers (events the hub's retention deleted) does to the task. */
public enum SequenceGapHandling {
    /** Logged at WARN with the missing range and counted; reading goes on. */
    LOG,
    /** The task fails, naming the range. */
    FAIL
}
