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

    @Test
    void aHealthyRunPassesAndSaysSoPlainly() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(97, 3, 2, 4),
                new PipelineVerdict.InCosmos(97, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950)), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isZero();
        assertThat(verdict.lines()).contains("every published message reached Kafka (2 more records than messages: duplicate "
                + "deliveries after a restart, which at-least-once allows)",
                "OK: nothing lost, no sink stalled, every connector and task RUNNING");
        assertThat(verdict.lines()).anySatisfy(line -> assertThat(line).startsWith("note: 1 messages the simulator could not publish"));
        assertThat(verdict.lines()).noneMatch(line -> line.contains("reached Kafka") && line.contains("LOST"));
    }

    @Test
    void lostMessagesFail() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(90, 3, 2, 4),
                new PipelineVerdict.InCosmos(90, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950)), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("LOST: 5 of 100 published messages are in none of the topics (readings, invalid, errors)",
                "LOST: 95 valid readings published, 90 in the readings topic");
        assertThat(verdict.lines()).noneMatch(line -> line.startsWith("OK") || line.startsWith("every published"));
    }

    @Test
    void aStalledLiveStateSinkFails() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(95, 3, 2, 4),
                new PipelineVerdict.InCosmos(95, 4, Map.of("sensor-001", T + 100)), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains(
                "STALLED: cosmos-devices: the live state of sensor-001 is from 2026-11-18T11:06:40.100Z, its newest reading is from 2026-11-18T11:06:40.900Z",
                "STALLED: cosmos-devices: the live state of sensor-002 is missing, its newest reading is from 2026-11-18T11:06:40.950Z");
    }

    @Test
    void aFailedTaskFailsTheRun() {
        PipelineVerdict verdict = new PipelineVerdict(published(), new PipelineVerdict.InKafka(95, 3, 2, 4),
                new PipelineVerdict.InCosmos(95, 4, Map.of("sensor-001", T + 900, "sensor-002", T + 950)), RUNNING,
                List.of("mqtt-alerts task 0 is FAILED: org.apache.kafka.connect.errors.ConnectException: bad"));
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("FAILED: mqtt-alerts task 0 is FAILED: org.apache.kafka.connect.errors.ConnectException: bad");
    }
}
