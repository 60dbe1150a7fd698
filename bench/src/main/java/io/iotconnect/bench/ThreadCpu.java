package io.iotconnect.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time of this JVM's threads between two snapshots, grouped by thread name with digits removed, with the machine's
 * idle share, GC time and, optionally, the CPU of an external server process (matched by its command line).
 */
public final class ThreadCpu {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> before = new HashMap<>();
    private final long gcBefore = gcMillis();
    private final long gcCountBefore = gcCount();

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> gc.getCollectionTime()).sum();
    }

    private static long gcCount() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(gc -> gc.getCollectionCount()).sum();
    }

    private final String unit;
    private final String processLabel;
    private final String processMarker;
    private final long[] machineBefore = machine();
    private final long processBefore;

    /** idle and total jiffies of the whole machine. */
    private static long[] machine() {
        try {
            String[] cpu = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            return new long[] {Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]), total};
        } catch (Exception e) {
            return new long[] {0, 1};
        }
    }

    /** utime + stime jiffies of the processes whose command line contains {@code marker}. */
    private static long process(String marker) {
        long sum = 0;
        try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
            for (var dir : procs.filter(d -> d.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmd = java.nio.file.Files.readString(dir.resolve("cmdline"));
                    if (cmd.contains(marker)) {
                        String stat = java.nio.file.Files.readString(dir.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (Exception gone) {
                    // process ended
                }
            }
        } catch (Exception e) {
            return 0;
        }
        return sum;
    }

    /**
     * Snapshots now; {@link #since} reports per {@code unit} (doc, rec), with the CPU of the processes whose command
     * line contains {@code processMarker} under {@code processLabel} (both null: no external process).
     */
    public ThreadCpu(String unit, String processLabel, String processMarker) {
        this.unit = unit;
        this.processLabel = processLabel;
        this.processMarker = processMarker;
        this.processBefore = processMarker == null ? 0 : process(processMarker);
        for (long id : THREADS.getAllThreadIds()) {
            before.put(id, THREADS.getThreadCpuTime(id));
        }
    }

    /** Microseconds of CPU per {@code unit} and thread group since construction, largest first. */
    public String since(double count) {
        Map<String, Long> byGroup = new TreeMap<>();
        long total = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            long used = now - before.getOrDefault(id, 0L);
            total += used;
            byGroup.merge(info.getThreadName().replaceAll("[0-9]+", "#"), used, Long::sum);
        }
        long all = total;
        long[] machine = machine();
        double idle = 100.0 * (machine[0] - machineBefore[0]) / Math.max(1, machine[1] - machineBefore[1]);
        String external = processMarker == null ? "" : String.format(java.util.Locale.ROOT, "%s %.1f us/%s, ", processLabel,
                (process(processMarker) - processBefore) * 10_000.0 / count, unit);
        return String.format(java.util.Locale.ROOT, "machine idle %.0f%%, ", idle) + external
                + String.format(java.util.Locale.ROOT, "GC %d ms in %d, %.1f us CPU/%s: ", gcMillis() - gcBefore,
                gcCount() - gcCountBefore, all / 1e3 / count, unit)
                + byGroup.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                .map(e -> String.format(java.util.Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / 1e3 / count))
                .collect(Collectors.joining(", "));
    }
}
