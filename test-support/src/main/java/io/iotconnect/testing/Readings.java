package io.iotconnect.testing;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;

import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Device readings the way the sources emit them, as a {@link Struct} or a schemaless map: the one definition the unit
 * tests, the benchmarks and the lake and Cosmos tests share. A reading has {@code deviceId}, {@code ts},
 * {@code temperature}, {@code humidity}, {@code pressure}, {@code light}, {@code count}, {@code status} and a nested
 * {@code location}; the fields a reading leaves empty are null.
 */
public final class Readings {

    public static final Schema LOCATION = SchemaBuilder.struct().optional()
            .field("lat", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("lon", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .build();
    /** {@code ts} as a Connect {@link Timestamp}, as a converter with a schema (Avro) or a time-converting SMT gives it. */
    public static final Schema SCHEMA = schema(Timestamp.builder().optional().build());
    /** {@code ts} as epoch milliseconds, as the sources' JSON schema inference emits it. */
    public static final Schema EPOCH_SCHEMA = schema(Schema.OPTIONAL_INT64_SCHEMA);

    private Readings() {
    }

    private static Schema schema(Schema ts) {
        return SchemaBuilder.struct().name("reading")
                .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts", ts)
                .field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("humidity", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("pressure", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("light", Schema.OPTIONAL_INT64_SCHEMA)
                .field("count", Schema.OPTIONAL_INT64_SCHEMA)
                .field("status", Schema.OPTIONAL_STRING_SCHEMA)
                .field("location", LOCATION)
                .build();
    }

    /** One reading; {@code pressure} and {@code light} may be null. */
    public record Reading(String deviceId, long ts, Double temperature, Double humidity, Double pressure, Long light) {

        /** The reading as a Struct of {@code schema} ({@link #SCHEMA} or {@link #EPOCH_SCHEMA}). */
        public Struct struct(Schema schema) {
            Field ts = schema.field("ts");
            Object time = Timestamp.LOGICAL_NAME.equals(ts.schema().name()) ? new Date(this.ts) : this.ts;
            return new Struct(schema).put("deviceId", deviceId).put("ts", time).put("temperature", temperature)
                    .put("humidity", humidity).put("pressure", pressure).put("light", light).put("count", 1L)
                    .put("status", "ok").put("location", new Struct(LOCATION).put("lat", 52.37).put("lon", 4.89));
        }

        /** The reading as the schemaless map JSON gives, {@code ts} as epoch milliseconds and no null entries. */
        public Map<String, Object> map() {
            Map<String, Object> value = Readings.map(deviceId, ts, temperature, humidity);
            if (pressure != null) {
                value.put("pressure", pressure);
            }
            if (light != null) {
                value.put("light", light);
            }
            return value;
        }
    }

    /** A reading as a Struct with a {@link Timestamp} {@code ts}. */
    public static Struct struct(String device, long ts, Double temperature, Double humidity) {
        return new Reading(device, ts, temperature, humidity, null, null).struct(SCHEMA);
    }

    /**
     * A reading as a schemaless map; {@code temperature} and {@code humidity} may be anything (a string, NaN, null) for
     * tests of what a device may send.
     */
    public static Map<String, Object> map(String device, long ts, Object temperature, Object humidity) {
        Map<String, Object> location = new HashMap<>();
        location.put("lat", 52.37);
        location.put("lon", 4.89);
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

    /**
     * {@code count} realistic readings of {@code devices} devices ({@code dev-00000}, ...), round robin, one a minute
     * each and ending at {@code endMillis}: a slow daily-like swing with sensor noise, and about 1 % carrying a
     * temperature spike of +40. The same seed gives the same readings.
     */
    public static List<Reading> fleet(int count, int devices, long endMillis, long seed) {
        Random random = new Random(seed);
        List<Reading> readings = new ArrayList<>(count);
        long start = endMillis - (long) (count / devices) * 60_000L;
        for (int i = 0; i < count; i++) {
            String id = String.format("dev-%05d", i % devices);
            long ts = start + (long) (i / devices) * 60_000L;
            double temperature = tenths(21 + 2 * Math.sin(i / 500.0) + random.nextGaussian() * 0.3);
            if (random.nextDouble() < 0.01) {
                temperature += 40;
            }
            double humidity = tenths(45 + random.nextGaussian() * 3);
            double pressure = tenths(1013 + random.nextGaussian() * 2);
            long light = 200 + random.nextInt(300);
            readings.add(new Reading(id, ts, temperature, humidity, pressure, light));
        }
        return readings;
    }

    private static double tenths(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
