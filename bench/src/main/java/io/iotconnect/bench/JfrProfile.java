package io.iotconnect.bench;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A JFR recording ({@code settings=profile}) of this JVM around one benchmark run, kept in a file, and a summary of its
 * execution samples within the timed window: the share of samples per thread group (thread names with digits
 * removed, as {@link ThreadCpu} groups them) and, for chosen threads, the methods on top of the stack (self time) and
 * the packages they belong to, each as a share of those threads' samples.
 */
public final class JfrProfile implements AutoCloseable {

    private final Recording recording;
    private final Path file;

    private JfrProfile(Path file) throws IOException, ParseException {
        this.file = file;
        this.recording = new Recording(Configuration.getConfiguration("profile"));
        recording.setToDisk(true);
        recording.start();
    }

    /** Starts a recording that {@link #stop} writes to {@code file}. */
    public static JfrProfile start(Path file) throws IOException, ParseException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return new JfrProfile(file);
    }

    /** Stops the recording and writes it out. */
    public Path stop() throws IOException {
        recording.stop();
        recording.dump(file);
        return file;
    }

    @Override
    public void close() {
        recording.close();
    }

    /** A set of threads to break down, by a predicate on the thread's name as JFR recorded it. */
    public record Focus(String label, Predicate<String> threads) {
    }

    /**
     * The samples between {@code from} and {@code to}: the share of each thread group (top {@code groups}); then, for
     * each focus, its share of all samples and the top {@code methods} methods on top of its threads' stacks (self
     * time) and the top packages (the first three parts of the top frame's class name), as shares of its samples.
     */
    public static String summary(Path file, Instant from, Instant to, int groups, List<Focus> foci, int methods) throws IOException {
        Map<String, Integer> byGroup = new HashMap<>();
        List<Map<String, Integer>> self = new ArrayList<>();
        List<Map<String, Integer>> packages = new ArrayList<>();
        int[] focused = new int[foci.size()];
        for (int i = 0; i < foci.size(); i++) {
            self.add(new HashMap<>());
            packages.add(new HashMap<>());
        }
        int all = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            Instant at = event.getStartTime();
            if (at.isBefore(from) || at.isAfter(to)) {
                continue;
            }
            RecordedThread thread = event.getThread("sampledThread");
            String name = thread == null || thread.getJavaName() == null ? "?" : thread.getJavaName();
            all++;
            byGroup.merge(name.replaceAll("[0-9]+", "#"), 1, Integer::sum);
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            String top = method(stack.getFrames().get(0));
            for (int i = 0; i < foci.size(); i++) {
                if (foci.get(i).threads().test(name)) {
                    focused[i]++;
                    self.get(i).merge(top, 1, Integer::sum);
                    packages.get(i).merge(packageOf(top), 1, Integer::sum);
                    break;
                }
            }
        }
        int total = Math.max(1, all);
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "      JFR %s: %d samples in the timed window; by thread: %s",
                file.getFileName(), all, top(byGroup, groups, total)));
        for (int i = 0; i < foci.size(); i++) {
            int count = Math.max(1, focused[i]);
            out.append(String.format(Locale.ROOT, "%n      %s (%.0f%% of samples): by package %s; methods %s", foci.get(i).label(),
                    100.0 * focused[i] / total, top(packages.get(i), 6, count), top(self.get(i), methods, count)));
        }
        return out.toString();
    }

    private static String packageOf(String method) {
        String[] parts = method.split("\\.");
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(3, Math.max(1, parts.length - 2))));
    }

    private static String method(RecordedFrame frame) {
        if (frame.getMethod() == null || frame.getMethod().getType() == null) {
            return "?";
        }
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String top(Map<String, Integer> counts, int limit, int total) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
                .collect(Collectors.joining(", "));
    }
}
