package io.iotconnect.iothub.config;

/** Where the Kafka record timestamp comes from. */
public enum TimestampSource {
    /** The time the event was enqueued in its Event Hubs partition. */
    ENQUEUED_TIME,
    /** A field of the JSON body (the device's reading time), else the enqueued time. */
    PAYLOAD_FIELD
}
