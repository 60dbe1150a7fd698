package io.iotconnect.anomaly;

import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/** A reading ({@link io.iotconnect.testing.Readings}) as the record a transform in a sink connector receives. */
final class SinkRecords {

    private SinkRecords() {
    }

    static SinkRecord of(String key, Object value) {
        Schema schema = value instanceof Struct struct ? struct.schema() : null;
        return new SinkRecord("telemetry", 2, Schema.OPTIONAL_STRING_SCHEMA, key, schema, value, 41L);
    }

    static SinkRecord of(String key, Object value, long timestamp) {
        Schema schema = value instanceof Struct struct ? struct.schema() : null;
        return new SinkRecord("telemetry", 2, Schema.OPTIONAL_STRING_SCHEMA, key, schema, value, 41L, timestamp,
                TimestampType.CREATE_TIME);
    }
}
