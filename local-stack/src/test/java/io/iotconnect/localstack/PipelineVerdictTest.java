package io.iotconnect.localstack;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineVerdictTest {

    private static final long T = 1_795_000_000_000L;
    private static final Map<String, String> RUNNING = Map.of("mqtt-source", "mqtt-source RUNNING, tasks 0:RUNNING");

    private static PipelineVerdict.Published published() {
        // 100 messages: 2 malformed, 3 invalid, 4 anomalies; two devices.
        return new PipelineVerdict.Published(100, 2, 3, 4, 1, Map.of("sensor-001", T + 900, "sensor-002", T + 950));
    }

    private static final PipelineVerdict.InCosmos COSMOS_COMPLETE =
            new PipelineVerdict.InCosmos(95, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950));

    private static PipelineVerdict.InLake lake(long readingRows, long alertRows) {
        return new PipelineVerdict.InLake(3, readingRows, alertRows, Map.of());
    }

    @Test
    void aHealthyRunPassesAndSaysSoPlainly() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(97, 3, 2, 4),
                new PipelineVerdict.InCosmos(97, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950)), lake(97, 4), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isZero();
        assertThat(verdict.lines()).contains("every published message reached Kafka (2 more records than messages: duplicate "
                + "deliveries after a restart, which at-least-once allows)",
                "OK: nothing lost, no sink stalled, nothing duplicated in the lake, every connector and task RUNNING");
        assertThat(verdict.lines()).anySatisfy(line -> assertThat(line).startsWith("note: 1 messages the simulator could not publish"));
        assertThat(verdict.lines()).noneMatch(line -> line.contains("reached Kafka") && line.contains("LOST"));
    }

    @Test
    void lostMessagesFail() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(90, 3, 2, 4),
                new PipelineVerdict.InCosmos(90, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950)), lake(90, 4), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("LOST: 5 of 100 published messages are in none of the topics (readings, invalid, errors)",
                "LOST: 95 valid readings published, 90 in the readings topic");
        assertThat(verdict.lines()).noneMatch(line -> line.startsWith("OK") || line.startsWith("every published"));
    }

    @Test
    void aStalledLiveStateSinkFails() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(95, 3, 2, 4),
                new PipelineVerdict.InCosmos(95, 4, Map.of("sensor-001", T + 100)), lake(95, 4), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains(
                "STALLED: cosmos-devices: the live state of sensor-001 is from 2026-11-18T11:06:40.100Z, its newest reading is from 2026-11-18T11:06:40.900Z",
                "STALLED: cosmos-devices: the live state of sensor-002 is missing, its newest reading is from 2026-11-18T11:06:40.950Z");
    }

    @Test
    void aFailedTaskFailsTheRun() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(95, 3, 2, 4),
                new PipelineVerdict.InCosmos(95, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950)), lake(95, 4), RUNNING,
                List.of("mqtt-alerts task 0 is FAILED: org.apache.kafka.connect.errors.ConnectException: bad"));
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("FAILED: mqtt-alerts task 0 is FAILED: org.apache.kafka.connect.errors.ConnectException: bad");
    }

    @Test
    void fewerLakeRowsThanRecordsIsAStalledLakeSink() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(95, 3, 2, 4), COSMOS_COMPLETE,
                lake(80, 0), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("STALLED: datalake-sink committed 80 rows of telemetry to the lake for 95 records in Kafka",
                "STALLED: datalake-sink committed 0 rows of alerts to the lake for 4 records in Kafka");
        assertThat(verdict.lines()).noneMatch(line -> line.startsWith("OK") || line.startsWith("datalake-sink:"));
    }

    @Test
    void moreLakeRowsThanRecordsIsADuplicate() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(95, 3, 2, 4), COSMOS_COMPLETE,
                lake(97, 4), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).containsExactly("every published message reached Kafka, each once",
                "note: 1 messages the simulator could not publish (the broker did not acknowledge them); they are not counted "
                        + "as published and cannot be lost",
                "DUPLICATED: datalake-sink committed 97 rows of telemetry to the lake for 95 records in Kafka (2 written twice; "
                        + "the lake sink is exactly once)",
                "connectors: mqtt-source RUNNING, tasks 0:RUNNING");
    }

    @Test
    void thePerDeviceQueryIsCheckedAgainstKafkasRecords() {
        Map<String, PipelineVerdict.DeviceReadings> kafka = Map.of("sensor-001", new PipelineVerdict.DeviceReadings(50, 21.25),
                "sensor-002", new PipelineVerdict.DeviceReadings(45, 19.5));
        PipelineVerdict.InKafka inKafka = new PipelineVerdict.InKafka(95, 3, 2, 4, kafka);

        PipelineVerdict matching = new PipelineVerdict(published(), inKafka, COSMOS_COMPLETE, new PipelineVerdict.InLake(6, 95, 4,
                Map.of("sensor-001", new PipelineVerdict.DeviceReadings(50, 21.25 + 1e-12),
                        "sensor-002", new PipelineVerdict.DeviceReadings(45, 19.5))), RUNNING, List.of());
        assertThat(matching.exitStatus()).isZero();
        assertThat(matching.lines()).contains("datalake-sink: 99 rows in 6 files, each record of telemetry and alerts once; the DuckDB "
                + "query's readings and average temperature per device match Kafka's records");

        // Same totals, but one device's rows are another's: the totals alone would not see it.
        PipelineVerdict swapped = new PipelineVerdict(published(), inKafka, COSMOS_COMPLETE, new PipelineVerdict.InLake(6, 95, 4,
                Map.of("sensor-001", new PipelineVerdict.DeviceReadings(51, 21.25),
                        "sensor-002", new PipelineVerdict.DeviceReadings(44, 19.5))), RUNNING, List.of());
        assertThat(swapped.exitStatus()).isEqualTo(1);
        assertThat(swapped.lines()).contains("WRONG: the lake query gives sensor-001 51 readings, average temperature 21.2500, "
                + "Kafka holds 50 readings, average temperature 21.2500");

        PipelineVerdict averaged = new PipelineVerdict(published(), inKafka, COSMOS_COMPLETE, new PipelineVerdict.InLake(6, 95, 4,
                Map.of("sensor-001", new PipelineVerdict.DeviceReadings(50, 21.25),
                        "sensor-002", new PipelineVerdict.DeviceReadings(45, 19.6))), RUNNING, List.of());
        assertThat(averaged.lines()).contains("WRONG: the lake query gives sensor-002 45 readings, average temperature 19.6000, "
                + "Kafka holds 45 readings, average temperature 19.5000");
    }
}
