package io.iotconnect.cosmos.config;

/** How a Struct's field names become document properties. */
public enum DocumentFieldNames {
    /** The JSON key a source recorded for a field it renamed for Avro, so documents keep the device's own keys. */
    JSON,
    /** The schema's field names as they are. */
    SCHEMA
}
