package io.iotconnect.avro;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.SchemaRegistryServer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many converters, as many tasks have, meeting one schema new to its subject at the same moment, against a real
 * Apicurio Registry: each of {@link RetryingAvroConverter}'s records is written with the one id the subject's schema got;
 * Apicurio's own converter is run the same way, for the record of how often the race fails it.
 */
class RegistrationRaceIT {

    private static final Logger log = LoggerFactory.getLogger(RegistrationRaceIT.class);
    private static final int CONVERTERS = 4;
    private static final int ROUNDS = 10;

    private static SchemaRegistryServer registry;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void start() {
        registry = servers.add(SchemaRegistryServer.start());
    }

    private static Schema reading(int round, String extra) {
        SchemaBuilder builder = SchemaBuilder.struct().name("io.iotconnect.race" + round)
                .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
                .field("temperature", Schema.OPTIONAL_FLOAT64_SCHEMA);
        if (extra != null) {
            builder.field(extra, Schema.OPTIONAL_FLOAT64_SCHEMA);
        }
        return builder.build();
    }

    private static byte[] write(AvroConverter<?> converter, String topic, Schema schema) {
        Struct value = new Struct(schema).put("deviceId", "sensor-001").put("temperature", 21.5);
        return converter.fromConnectData(topic, schema, value);
    }

    /**
     * Failures when {@value #CONVERTERS} fresh converters write at once, over the rounds, each round on a subject of
     * its own: with {@code distinct}, each converter a schema of its own (a field the others lack) on a subject that
     * has a first version, as tasks whose schemas grew apart do; without, all one schema new to the subject.
     */
    private static int race(String prefix, boolean distinct, Supplier<AvroConverter<?>> converters) throws Exception {
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CONVERTERS);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                String topic = prefix + "-" + round;
                if (distinct) {
                    AvroConverter<?> first = converters.get();
                    first.configure(registry.confluentWireFormat(), false);
                    write(first, topic, reading(round, null));
                    first.close();
                }
                CyclicBarrier start = new CyclicBarrier(CONVERTERS);
                Set<Integer> ids = ConcurrentHashMap.newKeySet();
                List<Future<?>> writes = new ArrayList<>();
                for (int i = 0; i < CONVERTERS; i++) {
                    AvroConverter<?> converter = converters.get();
                    converter.configure(registry.confluentWireFormat(), false);
                    Schema schema = reading(round, distinct ? "extra" + i : null);
                    writes.add(pool.submit(() -> {
                        start.await(30, TimeUnit.SECONDS);
                        try {
                            ids.add(ByteBuffer.wrap(write(converter, topic, schema), 1, 4).getInt());
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            log.info("{}: {} failed: {}", topic, converter.getClass().getSimpleName(), e.toString());
                        } finally {
                            converter.close();
                        }
                        return null;
                    }));
                }
                for (Future<?> write : writes) {
                    write.get(60, TimeUnit.SECONDS);
                }
                log.info("{}: ids {}, versions {}", topic, ids, registry.versions(topic + "-value"));
            }
        } finally {
            pool.shutdownNow();
        }
        return failures.get();
    }

    @Test
    void convertersThatRegisterAtOnceAllWriteTheirRecord() throws Exception {
        int plainSame = race("plain-same", false, AvroConverter::new);
        int plainDistinct = race("plain-distinct", true, AvroConverter::new);
        int retryingSame = race("retrying-same", false, RetryingAvroConverter::new);
        int retryingDistinct = race("retrying-distinct", true, RetryingAvroConverter::new);
        log.info("{} rounds of {} converters registering at once: Apicurio's AvroConverter failed {} records on one new "
                        + "schema and {} on schemas of their own, RetryingAvroConverter {} and {}", ROUNDS, CONVERTERS,
                plainSame, plainDistinct, retryingSame, retryingDistinct);
        assertThat(retryingSame).isZero();
        assertThat(retryingDistinct).isZero();
    }

    @Test
    void aSchemaTheRegistryRefusesIsThrownAtOnceNotRetried() {
        String theirs = "{\"type\":\"record\",\"name\":\"race0\",\"namespace\":\"io.iotconnect\",\"fields\":["
                + "{\"name\":\"temperature\",\"type\":\"string\"}]}";
        assertThat(registry.register("refused-value", theirs).status()).isEqualTo(200);
        registry.compatibility("refused-value", SchemaRegistryServer.Compatibility.BACKWARD);
        RetryingAvroConverter<?> converter = servers.add(new RetryingAvroConverter<>());
        converter.configure(registry.confluentWireFormat(), false);
        Schema schema = reading(0, null);
        RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> write(converter, "refused", schema));
        assertThat(RetryingAvroConverter.lostARegistrationRace(refused)).isFalse();
        assertThat(refused).hasStackTraceContaining("Incompatible artifact");
        assertThat(registry.versions("refused-value")).containsExactly(1);
    }
}
