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

    // ---- the IoT Hub devices, followed on their own

    private static final List<String> HUB = List.of("hub-sensor-001", "hub-sensor-002");

    /** 100 messages in all, 40 of them by the IoT Hub devices: 1 malformed, 1 invalid, 2 anomalies of theirs. */
    private static final PipelineVerdict.IotHubSent HUB_SENT = new PipelineVerdict.IotHubSent(HUB, 40, 1, 1, 2);

    private static PipelineVerdict.Published publishedWithHub() {
        return new PipelineVerdict.Published(100, 2, 3, 4, 0, Map.of("sensor-001", T + 900, "hub-sensor-001", T + 950));
    }

    /** Kafka as a healthy run leaves it: 95 readings (38 of the IoT Hub devices'), 3 invalid (1), 2 malformed (1). */
    private static PipelineVerdict.InKafka kafkaWithHub(long hubReadings, long hubInvalid, long hubErrors) {
        long mqttReadings = 57;
        return new PipelineVerdict.InKafka(mqttReadings + hubReadings, 2 + hubInvalid, 1 + hubErrors, 2,
                Map.of("sensor-001", new PipelineVerdict.DeviceReadings(mqttReadings, 21.0),
                        "hub-sensor-001", new PipelineVerdict.DeviceReadings(hubReadings - 18, 22.0),
                        "hub-sensor-002", new PipelineVerdict.DeviceReadings(18, 23.0)),
                Map.of("sensor-001", 2L, "hub-sensor-002", hubInvalid), Map.of("sensor-001", 1L, "hub-sensor-001", hubErrors));
    }

    private static PipelineVerdict.InCosmos cosmosWithHub(long hubDocuments) {
        return new PipelineVerdict.InCosmos(57 + hubDocuments, 2, Map.of("sensor-001", T + 900, "hub-sensor-001", T + 950),
                Map.of("sensor-001", 57L, "hub-sensor-001", hubDocuments - 18, "hub-sensor-002", 18L));
    }

    private static PipelineVerdict.InLake lakeWithHub(PipelineVerdict.InKafka kafka, long hubRows) {
        Map<String, PipelineVerdict.DeviceReadings> rows = new java.util.HashMap<>(kafka.readingsByDevice());
        rows.put("hub-sensor-001", new PipelineVerdict.DeviceReadings(hubRows - 18, 22.0));
        return new PipelineVerdict.InLake(4, 57 + hubRows, kafka.alerts(), rows);
    }

    @Test
    void theIotHubDevicesAreFollowedOnTheirOwnNextToTheMqttOnes() {
        PipelineVerdict.InKafka kafka = kafkaWithHub(38, 1, 1);
        PipelineVerdict verdict = new PipelineVerdict(publishedWithHub(), HUB_SENT, kafka, cosmosWithHub(38), lakeWithHub(kafka, 38),
                RUNNING, List.of());
        assertThat(verdict.exitStatus()).as("%s", verdict.lines()).isZero();
        assertThat(verdict.lines()).contains("MQTT devices: every published message reached Kafka, each once",
                "IoT Hub devices: 40 messages sent, each once in Kafka (38 in telemetry, 1 in telemetry-invalid, 1 in "
                        + "telemetry-errors); their 38 readings once each in Cosmos DB and in the lake");
        // Their anomalies are flagged in telemetry's headers; only the MQTT devices' 2 are owed to alerts.
        assertThat(verdict.lines()).noneMatch(line -> line.startsWith("MISSED"));

        PipelineVerdict.EndToEnd hub = PipelineVerdict.readings(HUB, HUB_SENT.validReadings(), kafka, cosmosWithHub(38),
                lakeWithHub(kafka, 38));
        assertThat(hub).isEqualTo(new PipelineVerdict.EndToEnd(38, 38, 38, 38));
    }

    @Test
    void anIotHubReadingMissingOrTwiceInKafkaFails() {
        PipelineVerdict.InKafka lost = kafkaWithHub(37, 0, 1);
        PipelineVerdict verdict = new PipelineVerdict(publishedWithHub(), HUB_SENT, lost, cosmosWithHub(37), lakeWithHub(lost, 37),
                RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("LOST: IoT Hub devices sent 38 valid readings, 37 of theirs are in telemetry",
                "LOST: IoT Hub devices sent 1 invalid readings, 0 of theirs are in telemetry-invalid");

        PipelineVerdict.InKafka twice = kafkaWithHub(40, 1, 1);
        verdict = new PipelineVerdict(publishedWithHub(), HUB_SENT, twice, cosmosWithHub(40), lakeWithHub(twice, 40), RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("DUPLICATED: IoT Hub devices sent 38 valid readings, 40 of theirs are in telemetry "
                + "(2 twice; without exactly.once.source.support on the worker, a restarted task re-reads what Connect had not committed)");
        assertThat(verdict.lines()).noneMatch(line -> line.startsWith("OK") || line.startsWith("IoT Hub devices:"));
    }

    @Test
    void iotHubDuplicatesDoNotHideLostMqttMessages() {
        // The totals add up (95 readings), but two MQTT readings are missing and two IoT Hub ones are there twice.
        PipelineVerdict.InKafka kafka = new PipelineVerdict.InKafka(95, 3, 2, 2,
                Map.of("sensor-001", new PipelineVerdict.DeviceReadings(55, 21.0),
                        "hub-sensor-001", new PipelineVerdict.DeviceReadings(22, 22.0),
                        "hub-sensor-002", new PipelineVerdict.DeviceReadings(18, 23.0)),
                Map.of("sensor-001", 2L, "hub-sensor-002", 1L), Map.of("sensor-001", 1L, "hub-sensor-001", 1L));
        PipelineVerdict verdict = new PipelineVerdict(publishedWithHub(), HUB_SENT, kafka, cosmosWithHub(40), lakeWithHub(kafka, 40),
                RUNNING, List.of());
        assertThat(verdict.exitStatus()).isEqualTo(1);
        assertThat(verdict.lines()).contains("LOST: MQTT devices: 2 of 60 published messages are in none of the topics (readings, "
                + "invalid, errors)", "LOST: MQTT devices: 57 valid readings published, 55 in the readings topic");
        assertThat(verdict.lines()).anyMatch(line -> line.startsWith("DUPLICATED: IoT Hub devices sent 38 valid readings, 40 of theirs"));
    }

    @Test
    void iotHubReadingsBehindOrTwiceInTheSinksFail() {
        PipelineVerdict.InKafka kafka = kafkaWithHub(38, 1, 1);
        PipelineVerdict behind = new PipelineVerdict(publishedWithHub(), HUB_SENT, kafka, cosmosWithHub(30), lakeWithHub(kafka, 39),
                RUNNING, List.of());
        assertThat(behind.exitStatus()).isEqualTo(1);
        assertThat(behind.lines()).contains(
                "STALLED: cosmos-sink wrote 30 reading documents of the IoT Hub devices for 38 of their records in telemetry",
                "DUPLICATED: datalake-sink committed 39 rows of the IoT Hub devices for 38 of their records in telemetry");
    }
}
