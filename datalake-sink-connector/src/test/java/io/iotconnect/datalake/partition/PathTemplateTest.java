package io.iotconnect.datalake.partition;

import io.iotconnect.testing.Readings;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathTemplateTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final long T = Instant.parse("2026-12-01T05:42:17Z").toEpochMilli();

    private static SinkRecord record(Object key, Object value) {
        return new SinkRecord("telemetry", 3, Schema.OPTIONAL_STRING_SCHEMA, key, null, value, 17L);
    }

    @Test
    void theDefaultTemplateIsHiveStyleByTopicDayAndHour() {
        PathTemplate template = PathTemplate.parse("${topic}/dt=${time:yyyy-MM-dd}/hour=${time:HH}", UTC);

        assertThat(template.render(record("d", Readings.map("dev-1", T, 21.5, 40.0)), T)).isEqualTo("telemetry/dt=2026-12-01/hour=05");
        assertThat(template.timePrefixUnit()).contains(ChronoUnit.HOURS);
        assertThat(template.renderTimePrefix("telemetry", T)).isEqualTo("telemetry/dt=2026-12-01/hour=05");
        assertThat(template.bucketEnd(T)).isEqualTo(Instant.parse("2026-12-01T06:00:00Z").toEpochMilli());
    }

    @Test
    void timeDirectoriesFollowTheConfiguredZone() {
        PathTemplate template = PathTemplate.parse("dt=${time:yyyy-MM-dd}/hour=${time:HH}", ZoneId.of("Asia/Tokyo"));

        assertThat(template.render(record("d", Map.of()), T)).isEqualTo("dt=2026-12-01/hour=14");
        assertThat(template.bucketEnd(T)).isEqualTo(Instant.parse("2026-12-01T06:00:00Z").toEpochMilli());
    }

    @Test
    void timesRenderedOncePerUnitMatchFormattingEachTime() {
        // Kolkata is 5:30 ahead (hours start at :30 UTC); New York has a DST change on 2026-11-01 (an hour twice);
        // Santiago's and the Azores' clocks jump at midnight, Lord Howe's by 30 minutes (all near the start times below).
        Map<String, String> starts = new java.util.LinkedHashMap<>();
        starts.put("UTC", "2026-10-31T20:00:00Z");
        starts.put("Asia/Kolkata", "2026-10-31T20:00:00Z");
        starts.put("America/New_York", "2026-10-31T20:00:00Z");
        starts.put("America/Santiago", "2026-09-05T20:00:00Z");
        starts.put("Atlantic/Azores", "2026-10-24T20:00:00Z");
        starts.put("Australia/Lord_Howe", "2026-10-03T08:00:00Z");
        for (Map.Entry<String, String> entry : starts.entrySet()) {
            String zone = entry.getKey();
            ZoneId id = ZoneId.of(zone);
            for (String pattern : java.util.List.of("dt=${time:yyyy-MM-dd}/hour=${time:HH}", "${time:yyyy}/${time:MM}/${time:dd}",
                    "m=${time:HHmm}", "dt=${time:yyyy-MM-dd-a}")) {
                PathTemplate template = PathTemplate.parse(pattern, id);
                java.util.Random random = new java.util.Random(7);
                long start = Instant.parse(entry.getValue()).toEpochMilli();
                long time = start;
                for (int i = 0; i < 5_000; i++) {
                    // Mostly forward in small steps, sometimes back: the cache must never answer for another unit.
                    time = random.nextInt(10) == 0 ? start + random.nextInt(3 * 86_400_000) : time + random.nextInt(90_000);
                    String expected = pattern.replace("${time:yyyy-MM-dd}", format("yyyy-MM-dd", time, id))
                            .replace("${time:HH}", format("HH", time, id)).replace("${time:yyyy}", format("yyyy", time, id))
                            .replace("${time:MM}", format("MM", time, id)).replace("${time:dd}", format("dd", time, id))
                            .replace("${time:HHmm}", format("HHmm", time, id)).replace("${time:yyyy-MM-dd-a}", format("yyyy-MM-dd-a", time, id));
                    assertThat(template.render(record("d", Map.of()), time)).as(zone + " " + pattern + " at " + Instant.ofEpochMilli(time))
                            .isEqualTo(expected);
                }
            }
        }
    }

    private static String format(String pattern, long time, ZoneId zone) {
        return java.time.format.DateTimeFormatter.ofPattern(pattern).format(Instant.ofEpochMilli(time).atZone(zone));
    }

    @Test
    void fieldsKeysAndPartitionsCombine() {
        PathTemplate template = PathTemplate.parse("${topic}/site=${value.location.lat}/deviceId=${value.deviceId}/"
                + "key=${key}/partition=${partition}/dt=${time:yyyyMMdd}", UTC);

        assertThat(template.render(record("k-1", Readings.map("dev-7", T, 1.0, 1.0)), T))
                .isEqualTo("telemetry/site=52.37/deviceId=dev-7/key=k-1/partition=3/dt=20261201");
        assertThat(template.timePrefixUnit()).as("the time directory is not leading").isEmpty();
    }

    @Test
    void noFieldValueCanAddOrLeaveADirectory() {
        PathTemplate template = PathTemplate.parse("${topic}/deviceId=${value.deviceId}", UTC);

        assertThat(template.render(record(null, Map.of("deviceId", "../../etc/passwd")), T))
                .isEqualTo("telemetry/deviceId=..%2F..%2Fetc%2Fpasswd");
        assertThat(template.render(record(null, Map.of("deviceId", "..")), T)).isEqualTo("telemetry/deviceId=%2E%2E");
        assertThat(template.render(record(null, Map.of()), T)).isEqualTo("telemetry/deviceId=__HIVE_DEFAULT_PARTITION__");
        assertThat(template.render(record(null, Map.of("deviceId", "a=b:c\\d")), T)).isEqualTo("telemetry/deviceId=a%3Db%3Ac%5Cd");
    }

    @Test
    void aFieldThatIsNotASingleValueIsAFailedRecord() {
        PathTemplate template = PathTemplate.parse("${topic}/loc=${value.location}", UTC);

        assertThatThrownBy(() -> template.render(record(null, Readings.map("d", T, 1.0, 1.0)), T))
                .isInstanceOf(DataException.class).hasMessageContaining("${value.location}").hasMessageContaining("not a single value");
    }

    @Test
    void invalidTemplatesSayWhatIsWrong() {
        assertThatThrownBy(() -> PathTemplate.parse("${topic}/dt=${time:yyyy", UTC)).hasMessageContaining("not closed");
        assertThatThrownBy(() -> PathTemplate.parse("${topic}/${device}", UTC)).hasMessageContaining("${device} is not a variable");
        assertThatThrownBy(() -> PathTemplate.parse("${topic}/${time:HH-mm-ss}", UTC)).hasMessageContaining("by the second");
        assertThatThrownBy(() -> PathTemplate.parse("${topic}/${time:'x'}", UTC)).hasMessageContaining("shows no date");
        assertThatThrownBy(() -> PathTemplate.parse("${topic}/../x", UTC)).hasMessageContaining("'..' directory");
        assertThatThrownBy(() -> PathTemplate.parse("${topic}//x", UTC)).hasMessageContaining("empty directory name");
        assertThatThrownBy(() -> PathTemplate.parse("/${topic}", UTC)).hasMessageContaining("starts or ends with '/'");
        assertThatThrownBy(() -> PathTemplate.parse("${topic}/${time:qqq-X}", UTC)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dailyAndMonthlyPrefixesCloseAtTheirEnd() {
        assertThat(PathTemplate.parse("${topic}/${time:yyyy}/${time:MM}/${time:dd}/device=${value.deviceId}", UTC).bucketEnd(T))
                .isEqualTo(Instant.parse("2026-12-02T00:00:00Z").toEpochMilli());
        PathTemplate monthly = PathTemplate.parse("${topic}/month=${time:yyyy-MM}", UTC);
        assertThat(monthly.bucketEnd(T)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
        assertThat(monthly.renderTimePrefix("t", T)).isEqualTo("t/month=2026-12");
    }
}
