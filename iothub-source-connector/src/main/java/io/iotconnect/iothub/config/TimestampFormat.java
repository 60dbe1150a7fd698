package io.iotconnect.iothub.config;

/** Format of the payload field that holds the reading's time. */
public enum TimestampFormat {
    /** Epoch seconds below 1e11, epoch milliseconds below 1e14, or an ISO-8601 string with an offset. */
    AUTO,
    EPOCH_MILLIS,
    EPOCH_SECONDS,
    ISO_8601
}
