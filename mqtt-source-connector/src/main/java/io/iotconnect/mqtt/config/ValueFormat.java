package io.iotconnect.mqtt.config;

/** How an MQTT payload becomes the record value. */
public enum ValueFormat {
    BYTES,
    STRING,
    JSON
}
