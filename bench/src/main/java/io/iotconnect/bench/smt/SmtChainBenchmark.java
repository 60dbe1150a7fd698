package io.iotconnect.bench.smt;

import io.iotconnect.anomaly.FlagAnomaly;
import io.iotconnect.anomaly.ValidateReading;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Nanoseconds per record: ValidateReading followed by FlagAnomaly (every detector kind, headers out) against Kafka's
 * InsertField$Value adding one static field, on the same realistic readings, as Struct and as Map.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SmtChainBenchmark {

    @Param({"struct", "map"})
    public String format;

    /**
     * Records cycled through: few enough to stay in the CPU cache, as a record a task just polled is; 16 devices, so
     * each device's readings arrive in time order except once per cycle.
     */
    @Param({"256"})
    public int pool;

    @Param({"16"})
    public int devices;

    private SourceRecord[] records;
    private ValidateReading<SourceRecord> validate;
    private FlagAnomaly<SourceRecord> flag;
    private InsertField<SourceRecord> insertField;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        if (Integer.bitCount(pool) != 1) {
            throw new IllegalArgumentException("pool must be a power of two");
        }
        records = SmtReadings.records(pool, devices, format.equals("struct"));
        validate = new ValidateReading.Value<>();
        validate.configure(Map.of("rules", SmtReadings.RULES, "on.invalid", "tag"));
        flag = new FlagAnomaly.Value<>();
        flag.configure(Map.of("detectors", SmtReadings.DETECTORS, "gap.max.silence", SmtReadings.GAP));
        insertField = new InsertField.Value<>();
        insertField.configure(Map.of("static.field", "source", "static.value", "mqtt"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        validate.close();
        flag.close();
        insertField.close();
    }

    private SourceRecord nextRecord() {
        SourceRecord record = records[next];
        next = (next + 1) & (pool - 1);
        return record;
    }

    @Benchmark
    public SourceRecord chain() {
        SourceRecord validated = validate.apply(nextRecord());
        return flag.apply(validated);
    }

    /** Diagnostic (bench/run.sh smt --detail): ValidateReading alone. */
    @Benchmark
    public SourceRecord validateOnly() {
        return validate.apply(nextRecord());
    }

    /** Diagnostic (bench/run.sh smt --detail): FlagAnomaly alone. */
    @Benchmark
    public SourceRecord flagOnly() {
        return flag.apply(nextRecord());
    }

    @Benchmark
    public SourceRecord insertField() {
        return insertField.apply(nextRecord());
    }
}
