package io.iotconnect.bench.accuracy;

import io.iotconnect.anomaly.AnomalyHeaders;
import io.iotconnect.anomaly.FlagAnomaly;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs labelled series through {@code FlagAnomaly$Value} as a sink connector's transform chain would: one transform
 * configured with the user's keys, each series one device (the record key), its readings in order as records whose
 * value carries {@code timestamp} (epoch milliseconds) and the reading, and whose Kafka timestamp is the reading's time.
 * What FlagAnomaly says about each reading is read back from the headers it adds: {@code anomaly}, on flagged
 * readings {@code anomaly.score}, on episode starts {@code anomaly.episode=start}, and {@code anomaly.likelihood}.
 */
final class FlagAnomalyRun implements AutoCloseable {

    /** How reading values are shaped: a Connect {@code Struct} with a schema, or a schemaless {@code Map}. */
    enum ValueFormat {
        STRUCT, MAP;

        static ValueFormat parse(String text) {
            try {
                return valueOf(text.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--format is struct or map, got '" + text + "'", e);
            }
        }
    }

    static final String TOPIC = "telemetry";
    static final String TIMESTAMP_FIELD = "timestamp";

    /** The detector a finding comes from, told by the words FlagAnomaly's reasons use. */
    private static final Map<String, String> FINDING_KINDS = kinds();

    private final FlagAnomaly<SinkRecord> transform = new FlagAnomaly.Value<>();
    private final ValueFormat format;
    private final String valueField;
    private final Schema schema;
    private long offset;

    /** What FlagAnomaly said about each reading of one series. */
    record Alarms(boolean[] flagged, double[] scores, int unassessed, Map<String, Integer> findings, boolean[] episodeStarts,
                  double[] likelihoods) {

        /** The same findings, with other readings as the alarms and other scores for the optimizer. */
        Alarms as(boolean[] alarms, double[] alarmScores) {
            return new Alarms(alarms, alarmScores, unassessed, findings, episodeStarts, likelihoods);
        }

        int flaggedCount() {
            int count = 0;
            for (boolean alarm : flagged) {
                count += alarm ? 1 : 0;
            }
            return count;
        }
    }

    FlagAnomalyRun(Map<String, String> config, ValueFormat format, String valueField) {
        this.format = format;
        this.valueField = valueField;
        this.schema = SchemaBuilder.struct().name("io.iotconnect.bench.Reading")
                .field(TIMESTAMP_FIELD, Schema.INT64_SCHEMA)
                .field(valueField, Schema.FLOAT64_SCHEMA)
                .build();
        transform.configure(config);
    }

    Alarms run(LabelledSeries series) {
        int rows = series.rows();
        boolean[] flagged = new boolean[rows];
        double[] scores = new double[rows];
        boolean[] starts = new boolean[rows];
        double[] likelihoods = new double[rows];
        int unassessed = 0;
        Map<String, Integer> findings = new LinkedHashMap<>();
        String device = series.name();
        for (int i = 0; i < rows; i++) {
            long time = series.times()[i];
            SinkRecord out = transform.apply(record(device, time, series.values()[i]));
            Header anomaly = out.headers().lastWithName(AnomalyHeaders.ANOMALY);
            if (anomaly == null) {
                unassessed++;
                continue;
            }
            flagged[i] = Boolean.TRUE.equals(anomaly.value());
            Header episode = out.headers().lastWithName(AnomalyHeaders.EPISODE);
            starts[i] = episode != null && "start".equals(episode.value());
            Header likelihood = out.headers().lastWithName(AnomalyHeaders.LIKELIHOOD);
            likelihoods[i] = likelihood != null && likelihood.value() instanceof Number number ? number.doubleValue() : 0.0;
            if (flagged[i]) {
                Header score = out.headers().lastWithName(AnomalyHeaders.SCORE);
                scores[i] = score != null && score.value() instanceof Number number ? number.doubleValue() : 0.0;
                Header reasons = out.headers().lastWithName(AnomalyHeaders.REASONS);
                countFindings(reasons == null ? "" : String.valueOf(reasons.value()), findings);
            }
        }
        return new Alarms(flagged, scores, unassessed, findings, starts, likelihoods);
    }

    private SinkRecord record(String device, long time, double reading) {
        Object value;
        Schema valueSchema;
        if (format == ValueFormat.STRUCT) {
            value = new Struct(schema).put(TIMESTAMP_FIELD, time).put(valueField, reading);
            valueSchema = schema;
        } else {
            Map<String, Object> map = new HashMap<>(4);
            map.put(TIMESTAMP_FIELD, time);
            map.put(valueField, reading);
            value = map;
            valueSchema = null;
        }
        return new SinkRecord(TOPIC, 0, Schema.STRING_SCHEMA, device, valueSchema, value, offset++, time, TimestampType.CREATE_TIME);
    }

    /** Counts each finding of a reading (FlagAnomaly separates them with "; ") under the detector it comes from. */
    private static void countFindings(String reasons, Map<String, Integer> findings) {
        for (String finding : reasons.split("; ")) {
            if (finding.isEmpty()) {
                continue;
            }
            String kind = "other";
            for (Map.Entry<String, String> words : FINDING_KINDS.entrySet()) {
                if (finding.contains(words.getKey())) {
                    kind = words.getValue();
                    break;
                }
            }
            findings.merge(kind, 1, Integer::sum);
        }
    }

    /** Words in order of precedence: a rate finding also says "above" (its level), so it is told first. */
    private static Map<String, String> kinds() {
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put(" unusual: likelihood ", "likelihood");
        kinds.put(" z-score ", "zscore");
        kinds.put(" stuck at ", "flatline");
        kinds.put(" changed by ", "rate");
        kinds.put("device silent for ", "gap");
        kinds.put(" is not a finite number", "not finite");
        kinds.put(" above ", "above");
        kinds.put(" below ", "below");
        return kinds;
    }

    @Override
    public void close() {
        transform.close();
    }
}
