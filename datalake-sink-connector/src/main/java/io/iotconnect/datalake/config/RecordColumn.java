package io.iotconnect.datalake.config;

/** Record metadata that can be written as columns beside the value's fields. */
public enum RecordColumn {
    TOPIC("topic"), PARTITION("partition"), OFFSET("offset"), TIMESTAMP("timestamp"), KEY("key"), HEADERS("headers");

    private final String column;

    RecordColumn(String column) {
        this.column = column;
    }

    /** The column name, before the configured prefix. */
    public String column() {
        return column;
    }
}
