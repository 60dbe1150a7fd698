package io.iotconnect.mqtt.config;

/** Format of the payload field that holds the reading's time. */
public enum TimestampFormat {
    EPOCH_MILLIS,
    EPOCH_SECONDS,
    ISO_8601
}
