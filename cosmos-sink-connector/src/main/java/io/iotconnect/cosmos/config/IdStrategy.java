package io.iotconnect.cosmos.config;

/** How document ids are made. */
public enum IdStrategy { KAFKA_COORDINATES, KEY, FIELD, TEMPLATE }
