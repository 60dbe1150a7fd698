package io.iotconnect.mqtt.config;

/** Format of the payload field that holds the reading's time. */
public enum TimestampFormat {
    /** Epoch seconds or milliseconds, told apart by magnitude, or an ISO-8601 string with an offset. */
    AUTO,
    EPOCH_MILLIS,
    EPOCH_SECONDS,
    ISO_8601
}
