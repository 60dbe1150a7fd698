package io.iotconnect.mqtt.config;

/** Where the record key (the device id) comes from. */
public enum KeySource {
    /** A level of the MQTT topic. */
    TOPIC_LEVEL,
    /** A field of the JSON payload. */
    PAYLOAD_FIELD,
    /** No key. */
    NONE
}
