package io.iotconnect.iothub.config;

/** What happens to an event whose body cannot be mapped. */
public enum ErrorHandling {
    /** A record with the raw body (bounded) and the reason in headers goes to the error topic. */
    ERROR_TOPIC,
    /** The task fails with the reason; the event is read again when the task restarts. */
    FAIL
}
