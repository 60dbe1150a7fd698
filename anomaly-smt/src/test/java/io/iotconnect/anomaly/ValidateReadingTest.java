package io.iotconnect.anomaly;

import io.iotconnect.testing.Readings;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidateReadingTest {

    private static final long NOW = 1_795_000_000_000L;
    private static final String RULES = "deviceId: required string pattern('dev-[0-9]+'); temperature: required number range(-40, 125); "
            + "humidity: number range(0, 100); count: integer min(0); status: string in(ok, degraded, fault); "
            + "location.lat: number range(-90, 90); ts: required timestamp max.future(5m) max.age(7d)";

    private final MockTime time = new MockTime(0, NOW, 0);

    private ValidateReading<SinkRecord> transform(String... extra) {
        Map<String, String> config = new HashMap<>();
        config.put("rules", RULES);
        config.put("on.invalid", "tag");
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        ValidateReading<SinkRecord> transform = new ValidateReading.Value<>(time);
        transform.configure(config);
        return transform;
    }

    private static String errors(SinkRecord record) {
        Header header = record.headers().lastWithName(AnomalyHeaders.VALIDATION_ERRORS);
        return header == null ? null : (String) header.value();
    }

    @Test
    void validStructAndMapPassUntouched() {
        ValidateReading<SinkRecord> transform = transform();
        SinkRecord struct = SinkRecords.of("dev-1", Readings.struct("dev-1", NOW - 1000, 21.5, 40.0));
        SinkRecord map = SinkRecords.of("dev-1", Readings.map("dev-1", NOW - 1000, 21.5, 40.0));

        assertThat(transform.apply(struct)).isSameAs(struct);
        assertThat(transform.apply(map)).isSameAs(map);
        assertThat(errors(struct)).isNull();
    }

    @Test
    void eachRuleReportsFieldValueAndRule() {
        ValidateReading<SinkRecord> transform = transform();
        Map<String, Object> reading = Readings.map("dev-1", NOW, 140.5, -3.0);
        reading.put("count", 2.5);
        reading.put("status", "broken");
        ((Map<String, Object>) reading.get("location")).put("lat", 91.0);

        String errors = errors(transform.apply(SinkRecords.of("dev-1", reading)));

        assertThat(errors.split("; ")).containsExactly(
                "temperature=140.5 above max 125",
                "humidity=-3 below min 0",
                "count=2.5 is not a whole number",
                "status='broken' is not one of ok, degraded, fault",
                "location.lat=91 above max 90");
    }

    @Test
    void boundsAreInclusive() {
        ValidateReading<SinkRecord> transform = transform();
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 125.0, 0.0))))).isNull();
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, -40.0, 100.0))))).isNull();
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 125.0001, 100.0)))))
                .isEqualTo("temperature=125.0001 above max 125");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void nonFiniteNumbersAreInvalid(double value) {
        String errors = errors(transform().apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, value, 50.0))));
        assertThat(errors).isEqualTo("temperature=" + (Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
                + " is not a finite number");
    }

    @Test
    void missingNullAndWrongTypes() {
        ValidateReading<SinkRecord> transform = transform();
        Map<String, Object> reading = Readings.map("dev-1", NOW, null, "40");
        reading.remove("ts");
        reading.put("location", null);
        reading.put("status", 3L);

        assertThat(errors(transform.apply(SinkRecords.of("dev-1", reading))).split("; ")).containsExactly(
                "temperature is missing (required)",
                "humidity='40' is a string, expected a number",
                "status=3 is a number, expected a string",
                "ts is missing (required)");
    }

    @Test
    void numericTypesOfEveryKindAreNumbers() {
        ValidateReading<SinkRecord> transform = transform();
        for (Object value : List.of(21, 21L, (short) 21, (byte) 21, 21.5f, new BigDecimal("21.50"))) {
            assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, value, 1.0)))))
                    .as("temperature as %s", value.getClass().getSimpleName()).isNull();
        }
        Map<String, Object> reading = Readings.map("dev-1", NOW, 1.0, 1.0);
        reading.put("count", 3.0);
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", reading)))).as("a whole double is an integer").isNull();
    }

    @Test
    void timestampSanityAgainstTheClock() {
        ValidateReading<SinkRecord> transform = transform();
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW + 300_000, 1.0, 1.0))))).isNull();
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW + 3_600_000, 1.0, 1.0)))))
                .isEqualTo("ts=" + (NOW + 3_600_000) + " is 1h in the future (max.future 5m)");
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW - 8 * 86_400_000L, 1.0, 1.0)))))
                .isEqualTo("ts=" + (NOW - 8 * 86_400_000L) + " is 8d old (max.age 7d)");

        Map<String, Object> iso = Readings.map("dev-1", 0, 1.0, 1.0);
        iso.put("ts", java.time.Instant.ofEpochMilli(NOW).toString());
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", iso)))).isNull();
        iso.put("ts", "yesterday");
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", iso))))
                .isEqualTo("ts='yesterday' is not an ISO-8601 time with a zone, like 2026-11-22T14:03:42Z");
        iso.put("ts", true);
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", iso)))).isEqualTo("ts=true is a boolean, expected a time");
    }

    @Test
    void epochSecondsWhenConfigured() {
        ValidateReading<SinkRecord> transform = transform("rules", "ts: timestamp(unit=s) max.future(5m)");
        Map<String, Object> reading = Readings.map("dev-1", NOW / 1000, 1.0, 1.0);
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", reading)))).isNull();
    }

    @Test
    void structValuesWithNestedNullsAndSchemaEvolution() {
        ValidateReading<SinkRecord> transform = transform();
        Struct reading = Readings.struct("dev-1", NOW, 21.0, 150.0).put("location", null);
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", reading)))).isEqualTo("humidity=150 above max 100");

        // A later version of the device firmware drops humidity and adds a field: the same transform keeps working.
        Schema evolved = SchemaBuilder.struct().name("reading").version(2)
                .field("deviceId", Schema.STRING_SCHEMA)
                .field("ts", Schema.INT64_SCHEMA)
                .field("temperature", Schema.FLOAT32_SCHEMA)
                .field("battery", Schema.FLOAT64_SCHEMA)
                .build();
        Struct next = new Struct(evolved).put("deviceId", "dev-1").put("ts", NOW).put("temperature", 200.0f).put("battery", 3.1);
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", next)))).isEqualTo("temperature=200 above max 125");
    }

    @Test
    void deviceIdFromKeyOrFieldMustBePresentAndMatch() {
        ValidateReading<SinkRecord> transform = transform("rules", "", "device.id.pattern", "dev-[0-9]{3}");
        assertThat(errors(transform.apply(SinkRecords.of(null, Readings.map("dev-1", NOW, 1.0, 1.0)))))
                .isEqualTo("device id is missing (the record key is null or not a plain value)");
        assertThat(errors(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 1.0, 1.0)))))
                .isEqualTo("device id 'dev-1' does not match pattern dev-[0-9]{3}");
        assertThat(errors(transform.apply(SinkRecords.of("dev-001", Readings.map("x", NOW, 1.0, 1.0))))).isNull();

        ValidateReading<SinkRecord> fromField = transform("rules", "", "device.id.field", "deviceId");
        assertThat(errors(fromField.apply(SinkRecords.of(null, Readings.map(null, NOW, 1.0, 1.0)))))
                .isEqualTo("device id is missing (field 'deviceId' is null or not a plain value)");
        assertThat(errors(fromField.apply(SinkRecords.of(null, Readings.map("dev-9", NOW, 1.0, 1.0))))).isNull();

        ValidateReading<SinkRecord> optional = transform("rules", "", "device.id.required", "false");
        assertThat(errors(optional.apply(SinkRecords.of(null, Readings.map("dev-1", NOW, 1.0, 1.0))))).isNull();
    }

    @Test
    void failThrowsADataExceptionWithTheRecordAndTheRule() {
        ValidateReading<SinkRecord> transform = transform("on.invalid", "fail");
        SinkRecord record = SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 300.0, 1.0));
        assertThatThrownBy(() -> transform.apply(record))
                .isInstanceOf(DataException.class)
                .hasMessage("Reading in topic 'telemetry' partition 2 offset 41 key 'dev-1' failed validation: temperature=300 above max 125");
    }

    @Test
    void dropReturnsNull() {
        ValidateReading<SinkRecord> transform = transform("on.invalid", "drop");
        assertThat(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 300.0, 1.0)))).isNull();
        assertThat(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 30.0, 1.0)))).isNotNull();
    }

    @Test
    void tagFieldExtendsTheSchemaOnceAndLeavesTheInputHeadersAlone() {
        ValidateReading<SinkRecord> transform = transform("tag.field", "validation_errors");
        SinkRecord bad = SinkRecords.of("dev-1", Readings.struct("dev-1", NOW, 300.0, 1.0));
        SinkRecord good = SinkRecords.of("dev-1", Readings.struct("dev-1", NOW, 20.0, 1.0));

        SinkRecord taggedBad = transform.apply(bad);
        SinkRecord taggedGood = transform.apply(good);

        assertThat(((Struct) taggedBad.value()).getArray("validation_errors")).containsExactly("temperature=300 above max 125");
        assertThat(((Struct) taggedGood.value()).getArray("validation_errors")).isNull();
        assertThat(taggedBad.valueSchema()).as("derived schema cached").isSameAs(taggedGood.valueSchema());
        assertThat(((Struct) taggedGood.value()).getFloat64("temperature")).isEqualTo(20.0);
        assertThat(bad.headers().isEmpty()).as("the input record's headers are not mutated").isTrue();

        Map<?, ?> map = (Map<?, ?>) transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 300.0, 1.0))).value();
        assertThat(map.get("validation_errors")).isEqualTo(List.of("temperature=300 above max 125"));
    }

    @Test
    void keyVariantValidatesTheKey() {
        ValidateReading<SinkRecord> transform = new ValidateReading.Key<>(time);
        transform.configure(Map.of("rules", "site: required string", "on.invalid", "fail", "device.id.required", "false"));
        Struct key = new Struct(SchemaBuilder.struct().field("site", Schema.OPTIONAL_STRING_SCHEMA).build());
        SinkRecord record = new SinkRecord("t", 0, key.schema(), key, null, "payload", 1L);
        assertThatThrownBy(() -> transform.apply(record)).hasMessageContaining("site is missing (required)");
    }

    @Test
    void tombstonesPassAndValuesThatAreNotObjectsAreInvalidReadings() {
        ValidateReading<SinkRecord> transform = transform();
        SinkRecord tombstone = SinkRecords.of("dev-1", null);
        assertThat(transform.apply(tombstone)).isSameAs(tombstone);
        Map<Object, String> expected = new java.util.LinkedHashMap<>();
        expected.put(42.0, "not an object: the value is Double 42");
        expected.put("hello", "not an object: the value is a string of 5 characters");
        expected.put(List.of(1.0, 2.0, 3.0), "not an object: the value is an array of 3");
        expected.put(new byte[] {1, 2}, "not an object: the value is bytes (parse the payload first");
        expected.put(true, "not an object: the value is Boolean true");
        for (Map.Entry<Object, String> value : expected.entrySet()) {
            SinkRecord raw = new SinkRecord("telemetry", 0, null, "dev-1", null, value.getKey(), 7L);
            SinkRecord tagged = transform.apply(raw);
            assertThat(errors(tagged)).as("%s", value.getKey()).startsWith(value.getValue());
            assertThat(tagged.value()).as("the original value is kept").isSameAs(value.getKey());
        }
        // Tagged with a tag.field too: a value that is not an object has no field to hold it, so the header alone.
        SinkRecord withField = transform("tag.field", "validation_errors").apply(new SinkRecord("telemetry", 0, null, "dev-1", null, 42.0, 7L));
        assertThat(withField.value()).isEqualTo(42.0);
        assertThat(errors(withField)).startsWith("not an object");
        // on.invalid=fail: a DataException Connect's error handling routes; drop: gone and counted.
        assertThatThrownBy(() -> transform("on.invalid", "fail").apply(new SinkRecord("telemetry", 0, null, "dev-1", null, 42.0, 7L)))
                .isInstanceOf(DataException.class).hasMessageContaining("not an object: the value is Double 42")
                .hasMessageContaining("topic 'telemetry' partition 0 offset 7");
        assertThat(transform("on.invalid", "drop").apply(new SinkRecord("telemetry", 0, null, "dev-1", null, 42.0, 7L))).isNull();

        SinkRecord sourceError = new SinkRecord("telemetry-errors", 0, null, "dev-1", Schema.BYTES_SCHEMA, new byte[] {'{'}, 8L);
        sourceError.headers().addString("mqtt.error.reason", "truncated JSON");
        assertThat(transform.apply(sourceError)).as("the source's error records pass unchanged").isSameAs(sourceError);
    }

    @Test
    void badConfigurationNamesTheKeyAndTheFix() {
        assertConfigError(Map.of("rules", "temperature: number range(10, 0)"), "rules", "has min 10 above max 0");
        assertConfigError(Map.of("rules", "temperature: number sometimes"), "rules", "'sometimes' is not a validation check");
        assertConfigError(Map.of("rules", "t: number string"), "rules", "is a second type");
        assertConfigError(Map.of("rules", "t: string range(0, 1)"), "rules", "range, min and max apply to number or integer fields");
        assertConfigError(Map.of("rules", "ts: max.age(1d)"), "rules", "add 'timestamp'");
        assertConfigError(Map.of("rules", "ts: timestamp max.age(soon)"), "rules", "write a whole number with a unit");
        assertConfigError(Map.of("rules", "id: pattern('[')"), "rules", "invalid regular expression");
        assertConfigError(Map.of("rules", "s: in()"), "rules", "needs the allowed values");
        assertConfigError(Map.of("on.invalid", "ignore"), "on.invalid", "fail, tag, drop");
        assertConfigError(Map.of("tag.field", "a.b"), "tag.field", "without dots");
        assertConfigError(Map.of("tag.field", "1st_errors"), "tag.field", "valid Avro name");
        assertConfigError(Map.of("device.id.pattern", "("), "device.id.pattern", "not a valid regular expression");
        assertConfigError(Map.of("device.id.field", "a..b"), "device.id.field", "empty segment");
    }

    @Test
    void timestampsAreReadAsTheMqttSourceReadsThemInAuto() {
        ValidateReading<SinkRecord> transform = transform("rules", "ts: required timestamp max.future(5m) max.age(7d)");
        for (Object ts : new Object[] {NOW, NOW / 1000, NOW / 1000.0 + 0.25, java.time.Instant.ofEpochMilli(NOW).toString(),
                java.time.OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(NOW), java.time.ZoneOffset.ofHours(2)).toString()}) {
            Map<String, Object> reading = new HashMap<>();
            reading.put("ts", ts);
            assertThat(errors(transform.apply(SinkRecords.of("dev-1", reading)))).as("ts %s", ts).isNull();
        }
        ValidateReading<SinkRecord> millis = transform("rules", "ts: required timestamp(unit=ms) max.age(7d)");
        Map<String, Object> seconds = new HashMap<>();
        seconds.put("ts", NOW / 1000);
        assertThat(errors(millis.apply(SinkRecords.of("dev-1", seconds)))).as("seconds read as milliseconds are 1970").contains("ts=");
    }

    @Test
    void aTagFieldWithoutTaggingIsIgnoredNotRefusedAtStart() {
        // A check across keys: config/validate cannot make it, so start() does not refuse it either.
        ValidateReading<SinkRecord> transform = transform("on.invalid", "drop", "tag.field", "errors");
        assertThat(transform.apply(SinkRecords.of("dev-1", Readings.map("dev-1", NOW, 500.0, 50.0)))).isNull();
    }

    /** The error must come both from configure() and from the ConfigDef validators config/validate runs. */
    private static void assertConfigError(Map<String, String> config, String key, String message) {
        ValidateReading<SinkRecord> transform = new ValidateReading.Value<>();
        assertThatThrownBy(() -> transform.configure(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .hasMessageContaining(message);
        assertThat(ValidateReading.CONFIG_DEF.validate(config))
                .filteredOn(value -> value.name().equals(key))
                .singleElement()
                .satisfies(value -> assertThat(value.errorMessages()).anySatisfy(error -> assertThat(error).contains(message)));
    }
}
