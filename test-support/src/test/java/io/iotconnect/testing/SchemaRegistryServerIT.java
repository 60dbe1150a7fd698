package io.iotconnect.testing;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.iotconnect.testing.SchemaRegistryServer.Compatibility;
import org.apache.avro.JsonProperties;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A real Apicurio Registry with Apicurio's Connect {@link AvroConverter} writing the Confluent wire format: what a
 * worker with {@code value.converter=io.apicurio.registry.utils.converter.AvroConverter} puts on a topic, and what the
 * converter makes of the schemas our sources emit.
 */
class SchemaRegistryServerIT {

    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryServerIT.class);
    private static final long T = 1_764_547_200_123L;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    private static SchemaRegistryServer registry;

    @BeforeAll
    static void startRegistry() {
        registry = servers.add(SchemaRegistryServer.start());
        log.info("{} answered after {} ms", registry, registry.startup().toMillis());
    }

    /** The converter the way a worker configures it for values: Confluent framing, content ids, auto-registration. */
    private static AvroConverter converter() {
        return converter(Map.of());
    }

    private static AvroConverter converter(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put("apicurio.registry.url", registry.registryApiUrl());
        config.put("apicurio.registry.auto-register", "true");
        config.put("apicurio.registry.as-confluent", "true");
        config.put("apicurio.registry.use-id", "contentId");
        config.putAll(extra);
        AvroConverter converter = new AvroConverter();
        converter.configure(config, false);
        return servers.add(converter);
    }

    @Test
    void writesTheConfluentWireFormatAndReadsTheReadingBack() {
        String topic = "wire";
        AvroConverter converter = converter();
        Struct reading = Readings.struct("dev-1", T, 21.5, 40.0);

        long started = System.nanoTime();
        byte[] bytes = converter.fromConnectData(topic, Readings.SCHEMA, reading);
        log.info("first conversion, registration included: {} ms", (System.nanoTime() - started) / 1_000_000);

        assertThat(bytes[0]).as("Confluent magic byte").isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertThat(registry.schemaStatus(id)).as("GET /schemas/ids/%d", id).isEqualTo(200);
        assertThat(new org.apache.avro.Schema.Parser().parse(registry.schema(id)).getFullName()).isEqualTo("reading");

        SchemaAndValue back = converter.toConnectData(topic, bytes);
        assertThat(back.value()).isEqualTo(reading);
        assertThat(((Struct) back.value()).get("ts")).isEqualTo(new Date(T));
        assertThat(back.schema()).isEqualTo(Readings.SCHEMA);
    }

    /**
     * A worker calls the variants with headers. With {@code apicurio.registry.headers.enabled} left at its default
     * (true) the converter then writes the ids into record headers and the value as bare Avro, without the Confluent
     * framing, whatever {@code as-confluent} says: a Confluent-format reader cannot read such a topic.
     */
    @Test
    void writesTheIdIntoHeadersInsteadOfTheValueWhenAWorkerPassesHeaders() {
        String topic = "headers";
        AvroConverter converter = converter();
        Struct reading = Readings.struct("dev-1", T, 21.5, 40.0);
        RecordHeaders headers = new RecordHeaders();

        byte[] bytes = converter.fromConnectData(topic, headers, Readings.SCHEMA, reading);

        List<String> keys = new ArrayList<>();
        headers.forEach(header -> keys.add(header.key()));
        log.info("headers written with apicurio.registry.headers.enabled=true: {}", keys);
        assertThat(keys).containsExactly("apicurio.value.contentId", "apicurio.value.encoding");
        byte[] framed = converter.fromConnectData(topic, Readings.SCHEMA, reading);
        assertThat(bytes).isEqualTo(Arrays.copyOfRange(framed, 5, framed.length));
        assertThat(converter.toConnectData(topic, headers, bytes).value()).isEqualTo(reading);
    }

    @Test
    void keepsTheConfluentWireFormatWithHeadersWhenHeadersAreDisabled() {
        String topic = "no-headers";
        AvroConverter converter = converter(Map.of("apicurio.registry.headers.enabled", "false"));
        Struct reading = Readings.struct("dev-1", T, 21.5, 40.0);
        RecordHeaders headers = new RecordHeaders();

        byte[] bytes = converter.fromConnectData(topic, headers, Readings.SCHEMA, reading);

        assertThat(headers.toArray()).isEmpty();
        assertThat(bytes[0]).isZero();
        assertThat(registry.schemaStatus(ByteBuffer.wrap(bytes, 1, 4).getInt())).isEqualTo(200);
        assertThat(bytes).isEqualTo(converter.fromConnectData(topic, Readings.SCHEMA, reading));
        assertThat(converter.toConnectData(topic, new RecordHeaders(), bytes).value()).isEqualTo(reading);
    }

    @Test
    void registersOneVersionForManyRecordsOfOneSchema() {
        String topic = "fleet";
        AvroConverter converter = converter();
        List<Readings.Reading> fleet = Readings.fleet(100, 10, T, 7);

        long started = System.nanoTime();
        converter.fromConnectData(topic, Readings.SCHEMA, fleet.get(0).struct(Readings.SCHEMA));
        long first = System.nanoTime() - started;
        started = System.nanoTime();
        for (Readings.Reading reading : fleet.subList(1, fleet.size())) {
            byte[] bytes = converter.fromConnectData(topic, Readings.SCHEMA, reading.struct(Readings.SCHEMA));
            assertThat(converter.toConnectData(topic, bytes).value()).isEqualTo(reading.struct(Readings.SCHEMA));
        }
        long rest = System.nanoTime() - started;
        log.info("first conversion {} ms; the 99 round trips after it {} us each", first / 1_000_000, rest / 99 / 1_000);
        logWarmTimes(converter, topic, fleet.get(1).struct(Readings.SCHEMA));

        // Another converter (another task, or a restarted worker) finds the schema instead of adding a version.
        converter().fromConnectData(topic, Readings.SCHEMA, fleet.get(0).struct(Readings.SCHEMA));

        assertThat(registry.subjects()).contains(topic + "-value");
        assertThat(registry.versions(topic + "-value")).containsExactly(1);
    }

    /** Cached conversions once the JIT has warmed up: what a task pays per record. */
    private static void logWarmTimes(AvroConverter converter, String topic, Struct reading) {
        int rounds = 5_000;
        byte[] bytes = null;
        long started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            bytes = converter.fromConnectData(topic, Readings.SCHEMA, reading);
        }
        long serialize = System.nanoTime() - started;
        started = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            converter.toConnectData(topic, bytes);
        }
        long deserialize = System.nanoTime() - started;
        log.info("{} cached conversions of a {}-byte reading: fromConnectData {} us, toConnectData {} us each", rounds, bytes.length,
                serialize / rounds / 1_000.0, deserialize / rounds / 1_000.0);
    }

    @Test
    void mapsOptionalFieldsToUnionsWithNullAndTimestampsToTimestampMillis() {
        String topic = "mapping";
        byte[] bytes = converter().fromConnectData(topic, Readings.SCHEMA, Readings.struct("dev-1", T, 21.5, 40.0));
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(registry.schema(ByteBuffer.wrap(bytes, 1, 4).getInt()));
        log.info("registered for {}: {}", Readings.SCHEMA.name(), avro);

        org.apache.avro.Schema.Field temperature = avro.getField("temperature");
        assertThat(temperature.schema().getType()).isEqualTo(org.apache.avro.Schema.Type.UNION);
        assertThat(temperature.schema().getTypes()).extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.DOUBLE);
        assertThat(temperature.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);

        org.apache.avro.Schema ts = avro.getField("ts").schema().getTypes().get(1);
        assertThat(ts.getType()).isEqualTo(org.apache.avro.Schema.Type.LONG);
        assertThat(ts.getProp("logicalType")).isEqualTo("timestamp-millis");
        assertThat(ts.getProp("connect.name")).isEqualTo(Timestamp.LOGICAL_NAME);

        org.apache.avro.Schema location = avro.getField("location").schema();
        assertThat(location.getTypes()).extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.RECORD);
        // An unnamed Connect struct gets Confluent's AvroData placeholder name.
        assertThat(location.getTypes().get(1).getFullName()).isEqualTo("io.confluent.connect.avro.ConnectDefault");
        assertThat(avro.getField("location").defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
    }

    @Test
    void registersANewVersionWhenOnlyTheFieldOrderChanges() {
        String topic = "order";
        AvroConverter converter = converter();
        Schema reordered = SchemaBuilder.struct().name("reading")
                .field("ts", Readings.SCHEMA.field("ts").schema())
                .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Schema original = SchemaBuilder.struct().name("reading")
                .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts", Readings.SCHEMA.field("ts").schema())
                .build();
        byte[] first = converter.fromConnectData(topic, original, new Struct(original).put("deviceId", "dev-1").put("ts", new Date(T)));
        byte[] second = converter.fromConnectData(topic, reordered, new Struct(reordered).put("deviceId", "dev-1").put("ts", new Date(T)));

        assertThat(ByteBuffer.wrap(second, 1, 4).getInt()).isNotEqualTo(ByteBuffer.wrap(first, 1, 4).getInt());
        assertThat(registry.versions(topic + "-value")).containsExactly(1, 2);
    }

    /** Not scrubbed: Avro's own name check throws, and not as a Connect DataException. Nothing is registered. */
    @Test
    void refusesAFieldNameThatIsNotAValidAvroName() {
        Schema schema = SchemaBuilder.struct().name("reading").field("temp-c", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
        Struct value = new Struct(schema).put("temp-c", 21.5);

        AvroConverter converter = converter();
        Throwable thrown = catchThrowable(() -> converter.fromConnectData("invalid-name", schema, value));
        assertThat(thrown).isInstanceOf(SchemaParseException.class).hasMessage("Illegal character in: temp-c");
        assertThat(registry.subjects()).doesNotContain("invalid-name-value");
    }

    @Test
    void refusesAnIncompatibleVersionOnceTheSubjectAsksForBackwardCompatibility() {
        String topic = "compat";
        AvroConverter converter = converter();
        Schema v1 = SchemaBuilder.struct().name("reading").field("deviceId", Schema.OPTIONAL_STRING_SCHEMA).build();
        converter.fromConnectData(topic, v1, new Struct(v1).put("deviceId", "dev-1"));
        registry.compatibility(topic + "-value", Compatibility.BACKWARD);

        // A new required field without a default: readers of v2 cannot read v1 records.
        Schema v2 = SchemaBuilder.struct().name("reading").field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
                .field("site", Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> converter.fromConnectData(topic, v2, new Struct(v2).put("deviceId", "dev-1").put("site", "ams")))
                .hasStackTraceContaining("RuleViolationException: Incompatible artifact: compat-value");
        assertThat(registry.versions(topic + "-value")).containsExactly(1);
    }

    @Test
    void setsTheGlobalCompatibility() {
        Compatibility before = registry.compatibility();
        try {
            registry.compatibility(Compatibility.FULL);
            assertThat(registry.compatibility()).isEqualTo(Compatibility.FULL);
        } finally {
            registry.compatibility(before);
        }
    }
}
