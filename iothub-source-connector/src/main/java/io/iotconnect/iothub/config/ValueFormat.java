package io.iotconnect.iothub.config;

/** How an event body becomes the record value; the same formats as the MQTT source. */
public enum ValueFormat { BYTES, STRING, JSON }
