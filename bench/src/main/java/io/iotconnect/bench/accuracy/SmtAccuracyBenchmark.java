package io.iotconnect.bench.accuracy;

import io.iotconnect.bench.accuracy.FlagAnomalyRun.Alarms;
import io.iotconnect.bench.accuracy.FlagAnomalyRun.ValueFormat;
import io.iotconnect.bench.accuracy.NabScorer.SeriesScore;
import io.iotconnect.bench.accuracy.NabScorer.Sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code bench/run.sh smt-accuracy}: runs FlagAnomaly, configured as a user would configure it, over NAB's labelled
 * series and scores its alarms by NAB's rules ({@link NabScorer}). Last line:
 * {@code smt-accuracy: standard <S>, low-FP <F>, low-FN <N>, windows detected <d>/<w>, false alarms per 1000 rows <r>}:
 * the three profiles' NAB scores at the threshold NAB's optimizer picks, then the windows and false alarms of the alarms
 * as raised, after each file's probation. By default an alarm is an episode start ({@code anomaly.episode=start}, what
 * {@code IsAnomaly match=episode-starts} passes to an alerts topic); {@code --score} picks flagged readings with
 * {@code anomaly.likelihood}, {@code anomaly.score} or the flag as the optimizer's score instead.
 */
public final class SmtAccuracyBenchmark {

    /** The configuration anomaly-smt's README recommends for a metric without known limits. */
    static final String DEFAULT_DETECTORS = "value: likelihood";
    /** The detector's name in NAB's results layout. */
    static final String DETECTOR_NAME = "flaganomaly";

    private SmtAccuracyBenchmark() {
    }

    public static void main(String[] args) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("detectors", DEFAULT_DETECTORS);
        ValueFormat format = ValueFormat.STRUCT;
        String field = "value";
        Path data = null;
        Path windows = null;
        Path profiles = null;
        boolean files = false;
        Path results = null;
        Alarm alarm = Alarm.EPISODE;
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--files")) {
                files = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[++i];
            switch (option) {
                case "--detectors" -> config.put("detectors", value);
                case "--config" -> {
                    int equals = value.indexOf('=');
                    if (equals <= 0) {
                        throw new IllegalArgumentException("--config takes key=value (a FlagAnomaly key), got '" + value + "'");
                    }
                    config.put(value.substring(0, equals).trim(), value.substring(equals + 1));
                }
                case "--format" -> format = ValueFormat.parse(value);
                case "--field" -> field = value;
                case "--data" -> data = Path.of(value);
                case "--windows" -> windows = Path.of(value);
                case "--profiles" -> profiles = Path.of(value);
                case "--results" -> results = Path.of(value);
                case "--score" -> alarm = Alarm.parse(value);
                default -> throw new IllegalArgumentException("unknown option " + option + "; use --detectors SPEC, --config key=value, "
                        + "--format struct|map, --field NAME, --data DIR [--windows FILE] [--profiles FILE], --score episode|likelihood|score|flag, --files, --results DIR");
            }
        }
        NabCorpus corpus = data == null ? NabCorpus.bundled() : load(data, windows, profiles);
        run(corpus, config, format, field, alarm, files, results);
    }

    private static NabCorpus load(Path data, Path windows, Path profiles) {
        Path windowsFile = windows != null ? windows
                : firstExisting(data.resolve("windows.json"), data.resolveSibling("windows.json"),
                data.resolveSibling("labels").resolve("combined_windows.json"));
        if (windowsFile == null) {
            throw new IllegalArgumentException("no windows file beside " + data + " (windows.json, or NAB's ../labels/combined_windows.json): "
                    + "give it with --windows FILE");
        }
        Path profilesFile = profiles != null ? profiles
                : firstExisting(data.resolve("profiles.json"), data.resolveSibling("profiles.json"),
                data.resolveSibling("config").resolve("profiles.json"));
        return NabCorpus.load(data, windowsFile, profilesFile);
    }

    private static Path firstExisting(Path... candidates) {
        return Arrays.stream(candidates).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    /** What counts as an alarm, and what score NAB's optimizer thresholds. */
    enum Alarm {
        /** Episode starts (what IsAnomaly match=episode-starts passes to an alerts topic), scored 1; the default. */
        EPISODE("episode starts (anomaly.episode=start)"),
        /** Flagged readings; the optimizer thresholds anomaly.likelihood on every reading. */
        LIKELIHOOD("anomaly.likelihood"),
        /** Flagged readings; the optimizer thresholds anomaly.score (0 on readings not flagged). */
        SCORE("anomaly.score"),
        /** Flagged readings, scored 1: the optimizer can only choose between them and none. */
        FLAG("the anomaly flag");

        final String label;

        Alarm(String label) {
            this.label = label;
        }

        static Alarm parse(String value) {
            for (Alarm alarm : values()) {
                if (alarm.name().toLowerCase(Locale.ROOT).equals(value)) {
                    return alarm;
                }
            }
            throw new IllegalArgumentException("--score is episode (episode starts), likelihood (anomaly.likelihood), score "
                    + "(anomaly.score) or flag (the anomaly header), got '" + value + "'");
        }

        Alarms of(Alarms read) {
            return switch (this) {
                case EPISODE -> read.as(read.episodeStarts(), flags(read.episodeStarts()));
                case LIKELIHOOD -> read.as(read.flagged(), read.likelihoods());
                case SCORE -> read;
                case FLAG -> read.as(read.flagged(), flags(read.flagged()));
            };
        }
    }

    /** @param alarm what counts as an alarm and what score the optimizer thresholds */
    static void run(NabCorpus corpus, Map<String, String> config, ValueFormat format, String field, Alarm alarm, boolean files,
                    Path results) {
        List<LabelledSeries> series = corpus.series();
        List<Alarms> alarms = new ArrayList<>(series.size());
        try (FlagAnomalyRun run = new FlagAnomalyRun(config, format, field)) {
            for (LabelledSeries one : series) {
                alarms.add(alarm.of(run.run(one)));
            }
        }
        List<double[]> scores = alarms.stream().map(Alarms::scores).toList();
        String scoreName = alarm.label;
        CostProfile standard = corpus.profile("standard");

        long scoredRows = series.stream().mapToLong(s -> s.rows() - NabScorer.probationRows(s.rows())).sum();
        System.out.printf(Locale.ROOT, "smt-accuracy config: FlagAnomaly$Value %s, %s values, %d series: %,d rows (%,d scored after probation), "
                        + "%d windows; NAB's optimizer thresholds %s%n", config.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                        .collect(Collectors.joining(" ")), format.name().toLowerCase(Locale.ROOT), series.size(), corpus.rows(),
                scoredRows, corpus.windows(), scoreName);
        if (results != null) {
            writeResults(results, series, alarms);
        }

        // What an operator gets: every reading FlagAnomaly flagged is an alarm.
        Map<String, Tally> categories = new TreeMap<>();
        Tally all = new Tally();
        for (int s = 0; s < series.size(); s++) {
            LabelledSeries one = series.get(s);
            Tally file = Tally.of(one, alarms.get(s), standard);
            categories.computeIfAbsent(one.category(), c -> new Tally()).add(file);
            all.add(file);
            if (files) {
                System.out.printf(Locale.ROOT, "    %-58s %s%n", one.name(), file.describe());
            }
        }
        for (Map.Entry<String, Tally> category : categories.entrySet()) {
            System.out.printf(Locale.ROOT, "  %-22s %s%n", category.getKey(), category.getValue().describe());
        }
        System.out.printf(Locale.ROOT, "  findings on alarms: %s; anomaly.score on alarms: %s%n", findings(alarms), scoreSummary(alarms));

        // Per profile: NAB's figure at the threshold its optimizer picks, and the alarms as raised scored the same way.
        Map<String, Double> best = new LinkedHashMap<>();
        for (CostProfile profile : corpus.profiles()) {
            Sweep sweep = NabScorer.sweep(series, scores, profile);
            SeriesScore atBest = NabScorer.score(series, scores, sweep.best().threshold(), profile);
            SeriesScore raised = SeriesScore.EMPTY;
            for (int s = 0; s < series.size(); s++) {
                raised = raised.plus(NabScorer.score(series.get(s), alarms.get(s).flagged(), profile));
            }
            System.out.printf(Locale.ROOT, "  %s (tp %s, fp %s, fn %s): NAB %.1f at %s (raw %.2f; null %.2f, perfect %.2f): %d/%d windows, "
                            + "%.2f false alarms per 1000 rows; alarms as raised %.1f (raw %.2f)%n", profile.label(),
                    number(profile.tpWeight()), number(profile.fpWeight()), number(profile.fnWeight()), sweep.bestNormalised(),
                    sweep.best().never() ? "never alarming (no threshold does better)" : scoreName + " >= " + sweep.best().threshold(),
                    sweep.best().raw(), sweep.nullRaw(), sweep.perfectRaw(), atBest.windowsDetected(), atBest.windows(),
                    atBest.scoredRows() == 0 ? 0 : 1000.0 * atBest.falsePositives() / atBest.scoredRows(),
                    sweep.normalised(raised.raw()), raised.raw());
            best.put(profile.name(), sweep.bestNormalised());
        }
        System.out.printf(Locale.ROOT, "smt-accuracy: standard %.1f, low-FP %.1f, low-FN %.1f, windows detected %d/%d, "
                        + "false alarms per 1000 rows %.2f%n", best.get("standard"), best.get("reward_low_FP_rate"),
                best.get("reward_low_FN_rate"), all.windowsDetected, all.windows, all.falseAlarmsPerThousand());
    }

    /**
     * Writes each series' scores as NAB's results files ({@code <dir>/flaganomaly/<folder>/flaganomaly_<file>.csv} with
     * {@code timestamp,value,anomaly_score,label}), so NAB's own optimizer and scorer can check these figures. The
     * score is anomaly.score as FlagAnomaly wrote it (0 on readings it did not flag), not squeezed into [0, 1]: NAB's
     * sweep starts above every score it sees, and the ranking is what it uses.
     */
    private static void writeResults(Path dir, List<LabelledSeries> series, List<Alarms> alarms) {
        DateTimeFormatter nab = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
        for (int s = 0; s < series.size(); s++) {
            LabelledSeries one = series.get(s);
            String name = one.name();
            int slash = name.lastIndexOf('/');
            Path file = dir.resolve(DETECTOR_NAME).resolve(name.substring(0, slash + 1) + DETECTOR_NAME + "_" + name.substring(slash + 1));
            StringBuilder csv = new StringBuilder("timestamp,value,anomaly_score,label\n");
            for (int i = 0; i < one.rows(); i++) {
                final int row = i;
                boolean inWindow = one.windows().stream().anyMatch(w -> w.contains(row));
                csv.append(nab.format(Instant.ofEpochMilli(one.times()[i]))).append(',').append(one.values()[i]).append(',')
                        .append(alarms.get(s).scores()[i]).append(',').append(inWindow ? 1 : 0).append('\n');
            }
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, csv);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
        System.out.printf(Locale.ROOT, "  results files for NAB's scorer under %s%n", dir.resolve(DETECTOR_NAME));
    }

    /** Alarms of a file, a category or the corpus, after probation, as FlagAnomaly raised them. */
    static final class Tally {
        int files;
        int scoredRows;
        int windows;
        int windowsDetected;
        int alarms;
        int runs;
        int falseAlarms;
        double standardRaw;
        double standardNull;
        double standardPerfect;

        static Tally of(LabelledSeries series, Alarms alarms, CostProfile standard) {
            Tally tally = new Tally();
            SeriesScore score = NabScorer.score(series, alarms.flagged(), standard);
            tally.files = 1;
            tally.scoredRows = score.scoredRows();
            tally.windows = score.windows();
            tally.windowsDetected = score.windowsDetected();
            tally.falseAlarms = score.falsePositives();
            tally.standardRaw = score.raw();
            tally.standardNull = NabScorer.nullRaw(List.of(series), standard);
            tally.standardPerfect = NabScorer.perfectRaw(List.of(series), standard);
            boolean[] flagged = alarms.flagged();
            for (int i = NabScorer.probationRows(series.rows()); i < flagged.length; i++) {
                if (flagged[i]) {
                    tally.alarms++;
                    if (i == 0 || !flagged[i - 1] || i == NabScorer.probationRows(series.rows())) {
                        tally.runs++;
                    }
                }
            }
            return tally;
        }

        void add(Tally other) {
            files += other.files;
            scoredRows += other.scoredRows;
            windows += other.windows;
            windowsDetected += other.windowsDetected;
            alarms += other.alarms;
            runs += other.runs;
            falseAlarms += other.falseAlarms;
            standardRaw += other.standardRaw;
            standardNull += other.standardNull;
            standardPerfect += other.standardPerfect;
        }

        double falseAlarmsPerThousand() {
            return scoredRows == 0 ? 0 : 1000.0 * falseAlarms / scoredRows;
        }

        String describe() {
            String score = windows == 0
                    ? String.format(Locale.ROOT, "standard raw %.2f (no window to normalise by)", standardRaw)
                    : String.format(Locale.ROOT, "standard %.1f (raw %.2f)", NabScorer.normalise(standardRaw, standardNull, standardPerfect),
                    standardRaw);
            return String.format(Locale.ROOT, "%s%,7d rows: windows detected %2d/%d, %,6d alarms in %,5d runs, %,6d false "
                            + "(%.2f per 1000 rows), as raised %s", files == 1 ? "" : String.format(Locale.ROOT, "%2d files, ", files),
                    scoredRows, windowsDetected, windows,
                    alarms, runs, falseAlarms, falseAlarmsPerThousand(), score);
        }
    }

    private static double[] flags(boolean[] flagged) {
        double[] scores = new double[flagged.length];
        for (int i = 0; i < flagged.length; i++) {
            scores[i] = flagged[i] ? 1.0 : 0.0;
        }
        return scores;
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static String findings(List<Alarms> alarms) {
        Map<String, Integer> total = new LinkedHashMap<>();
        int unassessed = 0;
        for (Alarms one : alarms) {
            one.findings().forEach((kind, count) -> total.merge(kind, count, Integer::sum));
            unassessed += one.unassessed();
        }
        String text = total.isEmpty() ? "none" : total.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
        return unassessed == 0 ? text : text + String.format(Locale.ROOT, " (%,d readings without an 'anomaly' header)", unassessed);
    }

    /** The spread of anomaly.score over every flagged reading (all rows, probation included). */
    private static String scoreSummary(List<Alarms> alarms) {
        double[] flagged = alarms.stream().flatMapToDouble(a -> {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < a.scores().length; i++) {
                if (a.flagged()[i]) {
                    values.add(a.scores()[i]);
                }
            }
            return values.stream().mapToDouble(Double::doubleValue);
        }).sorted().toArray();
        if (flagged.length == 0) {
            return "no alarm";
        }
        long huge = Arrays.stream(flagged).filter(v -> v >= 1e6).count();
        return String.format(Locale.ROOT, "median %s, 90th percentile %s, max %s, %,d at 1e6 or more", flagged[flagged.length / 2],
                flagged[(int) Math.min(flagged.length - 1, Math.floor(flagged.length * 0.9))], flagged[flagged.length - 1], huge);
    }
}
