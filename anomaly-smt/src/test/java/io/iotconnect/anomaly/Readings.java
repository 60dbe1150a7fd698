package io.iotconnect.anomaly;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/** Readings as the MQTT source's JSON mapping produces them, as Structs and as schemaless maps. */
final class Readings {

    static final Schema LOCATION = SchemaBuilder.struct().optional()
            .field("lat", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("lon", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .build();
    static final Schema SCHEMA = SchemaBuilder.struct().name("reading")
            .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts", Timestamp.builder().optional().build())
            .field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("humidity", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("location", LOCATION)
            .build();

    private Readings() {
    }

    static Struct struct(String device, long ts, Double temperature, Double humidity) {
        return new Struct(SCHEMA).put("deviceId", device).put("ts", new Date(ts)).put("temperature", temperature)
                .put("humidity", humidity).put("count", 1L).put("status", "ok")
                .put("location", new Struct(LOCATION).put("lat", 52.1).put("lon", 4.3));
    }

    static Map<String, Object> map(String device, long ts, Object temperature, Object humidity) {
        Map<String, Object> location = new HashMap<>();
        location.put("lat", 52.1);
        location.put("lon", 4.3);
        Map<String, Object> value = new HashMap<>();
        value.put("deviceId", device);
        value.put("ts", ts);
        value.put("temperature", temperature);
        value.put("humidity", humidity);
        value.put("count", 1L);
        value.put("status", "ok");
        value.put("location", location);
        return value;
    }

    static SinkRecord record(String key, Object value) {
        Schema schema = value instanceof Struct struct ? struct.schema() : null;
        return new SinkRecord("telemetry", 2, Schema.OPTIONAL_STRING_SCHEMA, key, schema, value, 41L);
    }

    static SinkRecord record(String key, Object value, long timestamp) {
        Schema schema = value instanceof Struct struct ? struct.schema() : null;
        return new SinkRecord("telemetry", 2, Schema.OPTIONAL_STRING_SCHEMA, key, schema, value, 41L, timestamp,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME);
    }
}
