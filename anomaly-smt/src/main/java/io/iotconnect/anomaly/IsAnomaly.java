package io.iotconnect.anomaly;

import io.iotconnect.anomaly.detect.Severity;
import io.iotconnect.common.config.PluginVersion;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.transforms.predicates.Predicate;

import java.util.Map;

/** True for readings FlagAnomaly flagged, at or above a minimum severity. */
public final class IsAnomaly<R extends ConnectRecord<R>> implements Predicate<R>, Versioned {

    public static final String OVERVIEW_DOC = "A predicate that is true for records FlagAnomaly flagged (its '"
            + AnomalyHeaders.ANOMALY + "' header is true) with a severity at or above min.severity, or only for the first "
            + "reading of each anomaly episode with match=episode-starts. Pair it with Kafka's "
            + "RegexRouter to route anomalies to an alerts topic, or with Filter (and negate=true) to keep only anomalies.";

    public static final String MIN_SEVERITY_CONFIG = "min.severity";
    private static final String MIN_SEVERITY_DOC = "The lowest severity that matches: warning (every flagged reading) or "
            + "critical (critical ones only).";

    public static final String MATCH_CONFIG = "match";
    private static final String MATCH_DOC = "readings: every flagged reading. episode-starts: only the first reading of each "
            + "anomaly episode (its '" + AnomalyHeaders.EPISODE + "' header is start), so an alerts topic gets one record "
            + "per incident however many readings it flags; see FlagAnomaly's episode.* settings.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(MIN_SEVERITY_CONFIG, ConfigDef.Type.STRING, "warning", ConfigDef.ValidString.in("warning", "critical"),
                    ConfigDef.Importance.MEDIUM, MIN_SEVERITY_DOC, "Match", 1, ConfigDef.Width.SHORT, "Minimum severity")
            .define(MATCH_CONFIG, ConfigDef.Type.STRING, "readings", ConfigDef.ValidString.in("readings", "episode-starts"),
                    ConfigDef.Importance.MEDIUM, MATCH_DOC, "Match", 2, ConfigDef.Width.SHORT, "Match");

    private Severity minimum;
    private boolean episodeStarts;

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        minimum = Severity.parse(config.getString(MIN_SEVERITY_CONFIG));
        episodeStarts = config.getString(MATCH_CONFIG).equals("episode-starts");
    }

    @Override
    public boolean test(R record) {
        Header flag = record.headers().lastWithName(AnomalyHeaders.ANOMALY);
        if (flag == null || !isTrue(flag.value())) {
            return false;
        }
        if (episodeStarts) {
            Header episode = record.headers().lastWithName(AnomalyHeaders.EPISODE);
            if (episode == null || !"start".equals(String.valueOf(episode.value()))) {
                return false;
            }
        }
        if (minimum == Severity.WARNING) {
            return true;
        }
        Header severity = record.headers().lastWithName(AnomalyHeaders.SEVERITY);
        if (severity == null || severity.value() == null) {
            return false;
        }
        try {
            return Severity.parse(String.valueOf(severity.value())).atLeast(minimum);
        } catch (IllegalArgumentException e) {
            return false; // a severity header some other transform wrote
        }
    }

    private static boolean isTrue(Object value) {
        // Boolean from FlagAnomaly in the same chain; a string when a header converter read it back from Kafka.
        return Boolean.TRUE.equals(value) || "true".equals(value);
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.of(IsAnomaly.class);
    }

    @Override
    public void close() {
    }
}
