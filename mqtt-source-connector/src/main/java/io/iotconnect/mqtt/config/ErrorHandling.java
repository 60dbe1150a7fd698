package io.iotconnect.mqtt.config;

/** What happens to a malformed message. */
public enum ErrorHandling {
    /** The raw payload goes to the error topic with the reason in headers; the task goes on. */
    ERROR_TOPIC,
    /** The task fails with the reason. */
    FAIL
}
