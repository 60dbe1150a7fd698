package io.iotconnect.bench.smt;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Realistic readings as the MQTT source emits them with
 * {@value io.iotconnect.mqtt.config.MqttSourceConnectorConfig#VALUE_FORMAT_CONFIG}=json: an inferred Struct schema (or a
 * schemaless map), the device id as key, the MQTT metadata headers, the reading time as record timestamp. About 1 %
 * carry an injected anomaly.
 */
final class SmtReadings {

    static final String RULES = "deviceId: required string; ts: required timestamp max.future(5m) max.age(7d); "
            + "temperature: required number range(-40, 125); humidity: required number range(0, 100); "
            + "pressure: number range(800, 1200); light: number min(0); location.lat: number range(-90, 90)";
    static final String DETECTORS = "temperature: above(warning=35, critical=80) below(warning=0, critical=-20) "
            + "zscore(warning=4, critical=6) rate(warning=0.5) flatline(20); humidity: above(warning=85, critical=95); "
            + "pressure: below(warning=980, critical=950); light: below(warning=10)";
    static final String GAP = "10m";

    private static final Schema LOCATION = SchemaBuilder.struct().optional()
            .field("lat", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("lon", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .build();
    private static final Schema READING = SchemaBuilder.struct()
            .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts", Schema.OPTIONAL_INT64_SCHEMA)
            .field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("humidity", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("pressure", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("light", Schema.OPTIONAL_INT64_SCHEMA)
            .field("status", Schema.OPTIONAL_STRING_SCHEMA)
            .field("location", LOCATION)
            .build();

    private SmtReadings() {
    }

    /** {@code count} readings from {@code devices} devices, one a minute each, ending about now. */
    static SourceRecord[] records(int count, int devices, boolean struct) {
        Random random = new Random(17);
        SourceRecord[] records = new SourceRecord[count];
        long start = System.currentTimeMillis() - (long) (count / devices) * 60_000L;
        for (int i = 0; i < count; i++) {
            int device = i % devices;
            String id = String.format("dev-%05d", device);
            long ts = start + (long) (i / devices) * 60_000L;
            double temperature = Math.round((21 + 2 * Math.sin(i / 500.0) + random.nextGaussian() * 0.3) * 10) / 10.0;
            if (random.nextDouble() < 0.01) {
                temperature += 40;
            }
            double humidity = Math.round((45 + random.nextGaussian() * 3) * 10) / 10.0;
            double pressure = Math.round((1013 + random.nextGaussian() * 2) * 10) / 10.0;
            long light = 200 + random.nextInt(300);
            Object value;
            Schema schema;
            if (struct) {
                value = new Struct(READING).put("deviceId", id).put("ts", ts).put("temperature", temperature)
                        .put("humidity", humidity).put("pressure", pressure).put("light", light).put("status", "ok")
                        .put("location", new Struct(LOCATION).put("lat", 52.37).put("lon", 4.89));
                schema = READING;
            } else {
                Map<String, Object> location = new HashMap<>();
                location.put("lat", 52.37);
                location.put("lon", 4.89);
                Map<String, Object> map = new HashMap<>();
                map.put("deviceId", id);
                map.put("ts", ts);
                map.put("temperature", temperature);
                map.put("humidity", humidity);
                map.put("pressure", pressure);
                map.put("light", light);
                map.put("status", "ok");
                map.put("location", location);
                value = map;
                schema = null;
            }
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString("mqtt.topic", "plant/" + id + "/telemetry");
            headers.addString("mqtt.qos", "1");
            headers.addString("mqtt.retained", "false");
            headers.addString("mqtt.duplicate", "false");
            headers.addString("mqtt.message.id", Integer.toString(1 + i % 65535));
            records[i] = new SourceRecord(Map.of("client", "bench"), Map.of(), "telemetry", null, Schema.STRING_SCHEMA, id,
                    schema, value, ts, headers);
        }
        return records;
    }
}
