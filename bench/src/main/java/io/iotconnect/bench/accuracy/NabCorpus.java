package io.iotconnect.bench.accuracy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labelled series and cost profiles the benchmark scores: NAB's files as NAB lays them out (a windows file keyed by
 * each CSV's path, the CSVs at those paths, a profiles file). The 34 series bundled under {@code nab/} in this module's
 * resources are the default; {@link #load} reads any other set, NAB's full corpus included.
 */
public record NabCorpus(List<LabelledSeries> series, List<CostProfile> profiles) {

    private static final String BUNDLED = "nab/";
    private static final ObjectMapper JSON = new ObjectMapper();

    public NabCorpus {
        series = List.copyOf(series);
        profiles = List.copyOf(profiles);
    }

    /** The series bundled with the benchmark, with NAB's three profiles. */
    public static NabCorpus bundled() {
        Map<String, List<List<String>>> windows = windows(resource(BUNDLED + "windows.json"), BUNDLED + "windows.json");
        List<LabelledSeries> series = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> file : windows.entrySet()) {
            series.add(series(file.getKey(), resource(BUNDLED + "data/" + file.getKey()), file.getValue()));
        }
        return new NabCorpus(series, profiles(resource(BUNDLED + "profiles.json"), BUNDLED + "profiles.json"));
    }

    /**
     * Series from a directory laid out as NAB's {@code data/}, labelled by a windows file as NAB's
     * {@code labels/combined_windows.json}; profiles from a file as NAB's {@code config/profiles.json}, or NAB's own
     * when {@code profilesFile} is null.
     */
    public static NabCorpus load(Path dataDir, Path windowsFile, Path profilesFile) {
        Map<String, List<List<String>>> windows = windows(open(windowsFile), windowsFile.toString());
        List<LabelledSeries> series = new ArrayList<>();
        for (Map.Entry<String, List<List<String>>> file : windows.entrySet()) {
            series.add(series(file.getKey(), open(dataDir.resolve(file.getKey())), file.getValue()));
        }
        List<CostProfile> profiles = profilesFile == null
                ? profiles(resource(BUNDLED + "profiles.json"), BUNDLED + "profiles.json")
                : profiles(open(profilesFile), profilesFile.toString());
        return new NabCorpus(series, profiles);
    }

    public long rows() {
        return series.stream().mapToLong(LabelledSeries::rows).sum();
    }

    public int windows() {
        return series.stream().mapToInt(s -> s.windows().size()).sum();
    }

    public CostProfile profile(String name) {
        return profiles.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no profile '" + name + "' among " + profiles));
    }

    /** The windows of each file, by file path in sorted order (the order NAB's JSON gives them in). */
    private static Map<String, List<List<String>>> windows(InputStream in, String source) {
        try (in) {
            Map<String, List<List<String>>> parsed = JSON.readValue(in, new TypeReference<Map<String, List<List<String>>>>() { });
            return new TreeMap<>(parsed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the windows in " + source, e);
        }
    }

    private static List<CostProfile> profiles(InputStream in, String source) {
        try (in) {
            JsonNode root = JSON.readTree(in);
            List<CostProfile> profiles = new ArrayList<>();
            for (Map.Entry<String, JsonNode> profile : root.properties()) {
                JsonNode costs = profile.getValue().path("CostMatrix");
                profiles.add(CostProfile.of(profile.getKey(), weight(costs, "tpWeight", source), weight(costs, "fpWeight", source),
                        weight(costs, "fnWeight", source)));
            }
            return profiles;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the profiles in " + source, e);
        }
    }

    private static double weight(JsonNode costs, String name, String source) {
        JsonNode weight = costs.get(name);
        if (weight == null || !weight.isNumber()) {
            throw new IllegalArgumentException(source + ": a CostMatrix without a numeric " + name + ": " + costs);
        }
        return weight.doubleValue();
    }

    /** Reads a {@code timestamp,value} CSV with a header line and places its windows on its rows. */
    static LabelledSeries series(String name, InputStream in, List<List<String>> windowLimits) {
        long[] times = new long[4096];
        double[] values = new double[4096];
        int rows = 0;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = reader.readLine();
            if (line == null || !line.trim().startsWith("timestamp")) {
                throw new IllegalArgumentException(name + ": expected a 'timestamp,value' header, got " + line);
            }
            int lineNumber = 1;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                int comma = line.indexOf(',');
                if (comma < 0) {
                    throw new IllegalArgumentException(name + " line " + lineNumber + ": no comma in '" + line + "'");
                }
                if (rows == times.length) {
                    times = Arrays.copyOf(times, rows * 2);
                    values = Arrays.copyOf(values, rows * 2);
                }
                times[rows] = epochMillis(line.substring(0, comma), name + " line " + lineNumber);
                try {
                    values[rows] = Double.parseDouble(line.substring(comma + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " line " + lineNumber + ": the value is not a number: '" + line + "'", e);
                }
                rows++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
        times = Arrays.copyOf(times, rows);
        values = Arrays.copyOf(values, rows);
        List<LabelledSeries.Window> windows = new ArrayList<>(windowLimits.size());
        for (List<String> limits : windowLimits) {
            if (limits.size() != 2) {
                throw new IllegalArgumentException(name + ": a window is [start, end], got " + limits);
            }
            windows.add(new LabelledSeries.Window(row(times, limits.get(0), name), row(times, limits.get(1), name)));
        }
        return new LabelledSeries(name, times, values, windows);
    }

    /**
     * The first row at a window limit. NAB's labels name rows of the file (its labeller places windows on the data's
     * timestamps) and its sweeper enters and leaves a window on those exact timestamps; a limit between rows would
     * silently never open its window there, so it is refused here.
     */
    private static int row(long[] times, String limit, String name) {
        long time = epochMillis(limit, name + " window limit");
        for (int i = 0; i < times.length; i++) {
            if (times[i] == time) {
                return i;
            }
        }
        throw new IllegalArgumentException(name + ": the window limit " + limit + " is not the timestamp of any row");
    }

    /** NAB's {@code 2014-04-10 07:15:00} or {@code 2014-04-10 07:15:00.000000}, as UTC. */
    static long epochMillis(String timestamp, String where) {
        try {
            LocalDateTime time = LocalDateTime.parse(timestamp.trim().replace(' ', 'T'));
            return time.toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(where + ": not a timestamp like 2014-04-10 07:15:00: '" + timestamp + "'", e);
        }
    }

    private static InputStream resource(String path) {
        InputStream in = NabCorpus.class.getClassLoader().getResourceAsStream(path);
        if (in == null) {
            throw new IllegalStateException("the resource " + path + " is not on the classpath (the bench jar carries it)");
        }
        return in;
    }

    private static InputStream open(Path path) {
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
    }
}
