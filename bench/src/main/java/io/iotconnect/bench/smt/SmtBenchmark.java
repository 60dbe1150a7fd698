package io.iotconnect.bench.smt;

import io.iotconnect.anomaly.FlagAnomaly;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench/run.sh smt}: runs {@link SmtChainBenchmark} with JMH (GC profiler on) and measures the memory of
 * FlagAnomaly's per-device state at one million devices. Last line:
 * {@code smt: chain <N> ns/record, InsertField <M> ns/record, ratio <R>}, each figure the mean of the Struct and Map
 * series.
 */
public final class SmtBenchmark {

    private SmtBenchmark() {
    }

    public static void main(String[] args) throws RunnerException {
        int devices = 1_000_000;
        int forks = 1;
        boolean detail = false;
        String pool = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--devices" -> devices = Integer.parseInt(args[++i]);
                case "--forks" -> forks = Integer.parseInt(args[++i]);
                case "--detail" -> detail = true;
                case "--pool" -> pool = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --devices N, --forks N, --detail, --pool N");
            }
        }
        String state = measureState(devices);

        OptionsBuilder builder = new OptionsBuilder();
        if (pool != null) {
            builder.param("pool", pool);
        }
        Options options = builder
                .include(SmtChainBenchmark.class.getName() + (detail ? "" : ".(chain|insertField)$"))
                .forks(forks)
                .warmupIterations(3)
                .warmupTime(TimeValue.seconds(2))
                .measurementIterations(5)
                .measurementTime(TimeValue.seconds(2))
                .jvmArgs("-Xmx1g", "-Dlog4j2.configurationFile=classpath:log4j2.xml")
                .addProfiler(GCProfiler.class)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Map<String, double[]> figures = new HashMap<>();
        for (RunResult run : results) {
            String method = run.getParams().getBenchmark().substring(run.getParams().getBenchmark().lastIndexOf('.') + 1);
            String format = run.getParams().getParam("format");
            double nanos = run.getPrimaryResult().getScore();
            double allocated = secondary(run, "gc.alloc.rate.norm");
            figures.put(method + "/" + format, new double[] {nanos, allocated});
        }
        for (String format : new String[] {"struct", "map"}) {
            double[] chain = figures.get("chain/" + format);
            double[] insert = figures.get("insertField/" + format);
            System.out.printf(Locale.ROOT, "smt %s: chain %.0f ns/record (%.0f B allocated/record), InsertField %.0f ns/record (%.0f B/record), ratio %.2f%n",
                    format, chain[0], chain[1], insert[0], insert[1], chain[0] / insert[0]);
        }
        System.out.println(state);
        double chain = (figures.get("chain/struct")[0] + figures.get("chain/map")[0]) / 2;
        double insert = (figures.get("insertField/struct")[0] + figures.get("insertField/map")[0]) / 2;
        System.out.printf(Locale.ROOT, "smt: chain %.0f ns/record, InsertField %.0f ns/record, ratio %.2f%n", chain, insert, chain / insert);
    }

    private static double secondary(RunResult run, String suffix) {
        for (Map.Entry<String, Result> entry : run.getSecondaryResults().entrySet()) {
            if (entry.getKey().endsWith(suffix)) {
                return entry.getValue().getScore();
            }
        }
        return Double.NaN;
    }

    /**
     * Feeds FlagAnomaly (the benchmark's detectors: one field with stateful detectors, and the gap check) readings of
     * 1.2 x {@code devices} distinct devices with state.max.devices = {@code devices}, and measures the heap the state
     * keeps: ids, map entries and state arrays.
     */
    private static String measureState(int devices) {
        FlagAnomaly<SourceRecord> flag = new FlagAnomaly.Value<>();
        flag.configure(Map.of("detectors", SmtReadings.DETECTORS, "gap.max.silence", SmtReadings.GAP,
                "state.max.devices", Integer.toString(devices)));
        long before = usedHeapAfterGc();
        int fed = devices + devices / 5;
        long now = System.currentTimeMillis();
        for (int i = 0; i < fed; i++) {
            String id = String.format(Locale.ROOT, "dev-%07d", i);
            Map<String, Object> value = new HashMap<>();
            value.put("temperature", 21.5);
            value.put("humidity", 40.0);
            flag.apply(new SourceRecord(null, null, "telemetry", null, Schema.STRING_SCHEMA, id, null, value, now));
        }
        long after = usedHeapAfterGc();
        double perDevice = (after - before) / (double) devices;
        String line = String.format(Locale.ROOT, "smt state: %,d devices kept of %,d fed, %.0f bytes/device, %.0f MB in all", devices, fed,
                perDevice, (after - before) / 1e6);
        flag.close();
        return line;
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
