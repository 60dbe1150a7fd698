package io.iotconnect.anomaly;

import io.iotconnect.testing.Readings;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PredicatesTest {

    private static SinkRecord record() {
        return SinkRecords.of("d", Readings.map("d", 0, 1.0, 1.0));
    }

    private static IsAnomaly<SinkRecord> isAnomaly(String minSeverity) {
        IsAnomaly<SinkRecord> predicate = new IsAnomaly<>();
        predicate.configure(minSeverity == null ? Map.of() : Map.of("min.severity", minSeverity));
        return predicate;
    }

    @Test
    void isAnomalyMatchesFlaggedRecordsAtTheMinimumSeverity() {
        SinkRecord unchecked = record();
        SinkRecord normal = record();
        normal.headers().addBoolean(AnomalyHeaders.ANOMALY, false);
        SinkRecord warning = record();
        warning.headers().addBoolean(AnomalyHeaders.ANOMALY, true).addString(AnomalyHeaders.SEVERITY, "warning");
        SinkRecord critical = record();
        critical.headers().addBoolean(AnomalyHeaders.ANOMALY, true).addString(AnomalyHeaders.SEVERITY, "critical");
        SinkRecord fromKafka = record();
        fromKafka.headers().addString(AnomalyHeaders.ANOMALY, "true").addString(AnomalyHeaders.SEVERITY, "critical");

        IsAnomaly<SinkRecord> any = isAnomaly(null);
        assertThat(any.test(unchecked)).isFalse();
        assertThat(any.test(normal)).isFalse();
        assertThat(any.test(warning)).isTrue();
        assertThat(any.test(critical)).isTrue();
        assertThat(any.test(fromKafka)).as("header read back by a string header converter").isTrue();

        IsAnomaly<SinkRecord> criticalOnly = isAnomaly("critical");
        assertThat(criticalOnly.test(warning)).isFalse();
        assertThat(criticalOnly.test(critical)).isTrue();
    }

    @Test
    void episodeStartsMatchOnlyTheFirstReadingOfEachIncident() {
        IsAnomaly<SinkRecord> starts = new IsAnomaly<>();
        starts.configure(Map.of("match", "episode-starts"));
        SinkRecord start = record();
        start.headers().addBoolean(AnomalyHeaders.ANOMALY, true).addString(AnomalyHeaders.SEVERITY, "warning")
                .addString(AnomalyHeaders.EPISODE, "start");
        SinkRecord ongoing = record();
        ongoing.headers().addBoolean(AnomalyHeaders.ANOMALY, true).addString(AnomalyHeaders.SEVERITY, "critical")
                .addString(AnomalyHeaders.EPISODE, "ongoing");
        SinkRecord withoutEpisode = record();
        withoutEpisode.headers().addBoolean(AnomalyHeaders.ANOMALY, true).addString(AnomalyHeaders.SEVERITY, "critical");
        SinkRecord quietEnd = record();
        quietEnd.headers().addBoolean(AnomalyHeaders.ANOMALY, false).addString(AnomalyHeaders.EPISODE, "end");
        assertThat(starts.test(start)).isTrue();
        assertThat(starts.test(ongoing)).isFalse();
        assertThat(starts.test(withoutEpisode)).isFalse();
        assertThat(starts.test(quietEnd)).isFalse();
        assertThatThrownBy(() -> new IsAnomaly<SinkRecord>().configure(Map.of("match", "episodes")))
                .hasMessageContaining("match");
    }

    @Test
    void isAnomalyReadsTheNewestHeader() {
        SinkRecord reprocessed = record();
        reprocessed.headers().addBoolean(AnomalyHeaders.ANOMALY, true).addBoolean(AnomalyHeaders.ANOMALY, false);
        assertThat(isAnomaly(null).test(reprocessed)).isFalse();
    }

    @Test
    void isInvalidMatchesTaggedRecords() {
        IsInvalid<SinkRecord> predicate = new IsInvalid<>();
        predicate.configure(Map.of());
        SinkRecord tagged = record();
        tagged.headers().addString(AnomalyHeaders.VALIDATION_ERRORS, "temperature is missing (required)");
        assertThat(predicate.test(tagged)).isTrue();
        assertThat(predicate.test(record())).isFalse();
    }

    @Test
    void badMinSeverityNamesTheKey() {
        assertThatThrownBy(() -> isAnomaly("high")).isInstanceOf(ConfigException.class).hasMessageContaining("min.severity")
                .hasMessageContaining("one of: warning, critical");
    }
}
