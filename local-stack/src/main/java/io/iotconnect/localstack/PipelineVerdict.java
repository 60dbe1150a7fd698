package io.iotconnect.localstack;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary's checks, each a plain sentence: what the devices published against what reached Kafka and each sink,
 * whether a sink stalled (a device's live-state document older than its newest reading, fewer lake rows than
 * records) or wrote a record twice (more lake rows than records: the lake sink promises exactly once), and whether
 * any connector or task is not RUNNING. The IoT Hub devices' messages are followed on their own, device by device:
 * none lost or duplicated between the endpoint and Kafka, and each of their readings once in Cosmos DB and the lake.
 * {@link #exitStatus()} is 0 only when every check passed.
 */
final class PipelineVerdict {

    /** What the simulated devices published, by kind. */
    record Published(long total, long malformed, long invalid, long anomalies, long failedToPublish,
                     Map<String, Long> newestReadingByDevice) {
        long validReadings() {
            return total - malformed - invalid;
        }
    }

    /**
     * What the IoT Hub devices sent through the Event Hubs-compatible endpoint: counted in {@link Published} too. Their
     * source reads by sequence number, so each message must be in Kafka exactly once.
     */
    record IotHubSent(List<String> devices, long sent, long malformed, long invalid, long anomalies) {
        static final IotHubSent NONE = new IotHubSent(List.of(), 0, 0, 0, 0);

        long validReadings() {
            return sent - malformed - invalid;
        }
    }

    /**
     * What reached Kafka: records per topic, the readings topic's records per device (empty: not read, no check of the
     * lake's per-device query), and the invalid and error topics' records per key (the device id).
     */
    record InKafka(long readings, long invalid, long errors, long alerts, Map<String, DeviceReadings> readingsByDevice,
                   Map<String, Long> invalidByDevice, Map<String, Long> errorsByDevice) {
        InKafka(long readings, long invalid, long errors, long alerts) {
            this(readings, invalid, errors, alerts, Map.of());
        }

        InKafka(long readings, long invalid, long errors, long alerts, Map<String, DeviceReadings> readingsByDevice) {
            this(readings, invalid, errors, alerts, readingsByDevice, Map.of(), Map.of());
        }

        long total() {
            return readings + invalid + errors;
        }
    }

    /** A device's readings: how many, and their average temperature. */
    record DeviceReadings(long count, double averageTemperature) {
        boolean matches(DeviceReadings other) {
            return other != null && count == other.count
                    && Math.abs(averageTemperature - other.averageTemperature) <= 1e-9 * Math.max(1, Math.abs(averageTemperature));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d readings, average temperature %.4f", count, averageTemperature);
        }
    }

    /**
     * What reached Cosmos DB: documents per container, each device's live-state document timestamp (null: none), and
     * the reading documents per device.
     */
    record InCosmos(long readingDocuments, long alertDocuments, Map<String, Long> deviceDocumentTs,
                    Map<String, Long> readingDocumentsByDevice) {
        InCosmos(long readingDocuments, long alertDocuments, Map<String, Long> deviceDocumentTs) {
            this(readingDocuments, alertDocuments, deviceDocumentTs, Map.of());
        }
    }

    /**
     * What the lake sink committed: data files, rows per topic, and the per-device query's result over the readings
     * (empty: not run).
     */
    record InLake(long files, long readingRows, long alertRows, Map<String, DeviceReadings> readingsByDevice) {
    }

    /** A group of devices' valid readings end to end: sent, and their records or documents at each stop. */
    record EndToEnd(long sent, long inKafka, long inCosmos, long inLake) {
    }

    /** The valid readings of {@code devices} at each stop (0 where a per-device count was not taken). */
    static EndToEnd readings(List<String> devices, long validSent, InKafka kafka, InCosmos cosmos, InLake lake) {
        long inKafka = 0;
        long inLake = 0;
        long inCosmos = 0;
        for (String device : devices) {
            DeviceReadings records = kafka.readingsByDevice().get(device);
            inKafka += records == null ? 0 : records.count();
            DeviceReadings rows = lake.readingsByDevice().get(device);
            inLake += rows == null ? 0 : rows.count();
            inCosmos += cosmos.readingDocumentsByDevice().getOrDefault(device, 0L);
        }
        return new EndToEnd(validSent, inKafka, inCosmos, inLake);
    }

    private static long sum(Map<String, Long> byDevice, List<String> devices) {
        return devices.stream().mapToLong(device -> byDevice.getOrDefault(device, 0L)).sum();
    }

    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    PipelineVerdict(Published published, InKafka kafka, InCosmos cosmos, InLake lake, Map<String, String> connectorStates,
                    List<String> unhealthy) {
        this(published, IotHubSent.NONE, kafka, cosmos, lake, connectorStates, unhealthy);
    }

    PipelineVerdict(Published published, IotHubSent iotHub, InKafka kafka, InCosmos cosmos, InLake lake,
                    Map<String, String> connectorStates, List<String> unhealthy) {
        checkKafka(published, iotHub, kafka);
        checkIotHub(iotHub, kafka, cosmos, lake);
        checkCosmos(published, kafka, cosmos);
        checkLake(kafka, lake);
        checkConnectors(connectorStates, unhealthy);
        if (!failed) {
            lines.add("OK: nothing lost, no sink stalled, nothing duplicated in the lake, every connector and task RUNNING");
        }
    }

    /**
     * The MQTT devices' messages (all messages when there are no IoT Hub devices): at least once in Kafka. Their counts
     * are the totals less the IoT Hub devices', which {@link #checkIotHub} checks on their own.
     */
    private void checkKafka(Published published, IotHubSent iotHub, InKafka kafka) {
        List<String> hub = iotHub.devices();
        EndToEnd hubReadings = readings(hub, 0, kafka, new InCosmos(0, 0, Map.of()), new InLake(0, 0, 0, Map.of()));
        long readings = kafka.readings() - hubReadings.inKafka();
        long invalid = kafka.invalid() - sum(kafka.invalidByDevice(), hub);
        long errors = kafka.errors() - sum(kafka.errorsByDevice(), hub);
        long total = published.total() - iotHub.sent();
        String who = hub.isEmpty() ? "" : "MQTT devices: ";
        long missing = total - (readings + invalid + errors);
        if (missing > 0) {
            fail("LOST: %s%d of %d published messages are in none of the topics (readings, invalid, errors)", who, missing, total);
        } else if (missing == 0) {
            pass("%severy published message reached Kafka, each once", who);
        } else {
            pass("%severy published message reached Kafka (%d more records than messages: duplicate deliveries after a "
                    + "restart, which at-least-once allows)", who, -missing);
        }
        if (published.failedToPublish() > 0) {
            note("%d messages the simulator could not publish (the broker did not acknowledge them); they are not counted "
                    + "as published and cannot be lost", published.failedToPublish());
        }
        if (readings < published.validReadings() - iotHub.validReadings()) {
            fail("LOST: %s%d valid readings published, %d in the readings topic", who,
                    published.validReadings() - iotHub.validReadings(), readings);
        }
        if (invalid < published.invalid() - iotHub.invalid()) {
            fail("LOST: %s%d invalid readings published, %d in the invalid topic", who, published.invalid() - iotHub.invalid(), invalid);
        }
        if (errors < published.malformed() - iotHub.malformed()) {
            fail("LOST: %s%d malformed messages published, %d in the error topic", who, published.malformed() - iotHub.malformed(), errors);
        }
        // Only mqtt-alerts writes to alerts: the IoT Hub devices' anomalies are flagged in telemetry's headers.
        if (kafka.alerts() < published.anomalies() - iotHub.anomalies()) {
            fail("MISSED: %s%d anomalies injected, %d in alerts", who, published.anomalies() - iotHub.anomalies(), kafka.alerts());
        }
    }

    /**
     * The IoT Hub devices' messages, by device: each exactly once in Kafka (the source reads by sequence number, so
     * more is a duplicate, not an allowed redelivery), each of their readings once in Cosmos DB and in the lake.
     */
    private void checkIotHub(IotHubSent iotHub, InKafka kafka, InCosmos cosmos, InLake lake) {
        List<String> hub = iotHub.devices();
        if (hub.isEmpty()) {
            return;
        }
        EndToEnd readings = readings(hub, iotHub.validReadings(), kafka, cosmos, lake);
        long invalid = sum(kafka.invalidByDevice(), hub);
        long errors = sum(kafka.errorsByDevice(), hub);
        boolean once = exactlyOnce("valid readings", iotHub.validReadings(), "telemetry", readings.inKafka())
                & exactlyOnce("invalid readings", iotHub.invalid(), "telemetry-invalid", invalid)
                & exactlyOnce("malformed messages", iotHub.malformed(), "telemetry-errors", errors);
        if (readings.inCosmos() < readings.inKafka()) {
            fail("STALLED: cosmos-sink wrote %d reading documents of the IoT Hub devices for %d of their records in telemetry",
                    readings.inCosmos(), readings.inKafka());
        } else if (readings.inCosmos() > readings.inKafka()) {
            fail("DUPLICATED: cosmos-sink wrote %d reading documents of the IoT Hub devices for %d of their records in telemetry",
                    readings.inCosmos(), readings.inKafka());
        }
        if (readings.inLake() < readings.inKafka()) {
            fail("STALLED: datalake-sink committed %d rows of the IoT Hub devices for %d of their records in telemetry",
                    readings.inLake(), readings.inKafka());
        } else if (readings.inLake() > readings.inKafka()) {
            fail("DUPLICATED: datalake-sink committed %d rows of the IoT Hub devices for %d of their records in telemetry",
                    readings.inLake(), readings.inKafka());
        }
        if (once && readings.inCosmos() == readings.inKafka() && readings.inLake() == readings.inKafka()) {
            pass("IoT Hub devices: %d messages sent, each once in Kafka (%d in telemetry, %d in telemetry-invalid, %d in "
                            + "telemetry-errors); their %d readings once each in Cosmos DB and in the lake", iotHub.sent(),
                    readings.inKafka(), invalid, errors, readings.inKafka());
        }
    }

    private boolean exactlyOnce(String what, long sent, String topic, long records) {
        if (records < sent) {
            fail("LOST: IoT Hub devices sent %d %s, %d of theirs are in %s", sent, what, records, topic);
        } else if (records > sent) {
            fail("DUPLICATED: IoT Hub devices sent %d %s, %d of theirs are in %s (%d twice; without "
                    + "exactly.once.source.support on the worker, a restarted task re-reads what Connect had not committed)",
                    sent, what, records, topic, records - sent);
        }
        return records == sent;
    }

    private void checkCosmos(Published published, InKafka kafka, InCosmos cosmos) {
        if (cosmos.readingDocuments() < kafka.readings()) {
            fail("STALLED: cosmos-sink wrote %d reading documents for %d records in the readings topic",
                    cosmos.readingDocuments(), kafka.readings());
        }
        if (cosmos.alertDocuments() < kafka.alerts()) {
            fail("STALLED: cosmos-sink wrote %d alert documents for %d records in alerts", cosmos.alertDocuments(), kafka.alerts());
        }
        int stale = 0;
        for (Map.Entry<String, Long> device : published.newestReadingByDevice().entrySet()) {
            Long stored = cosmos.deviceDocumentTs().get(device.getKey());
            if (stored == null || stored < device.getValue()) {
                stale++;
                if (stale <= 3) {
                    fail("STALLED: cosmos-devices: the live state of %s is %s, its newest reading is from %s", device.getKey(),
                            stored == null ? "missing" : "from " + Instant.ofEpochMilli(stored), Instant.ofEpochMilli(device.getValue()));
                }
            }
        }
        if (stale > 3) {
            fail("STALLED: cosmos-devices: %d devices in all have a live state older than their newest reading", stale);
        }
    }

    private void checkLake(InKafka kafka, InLake lake) {
        boolean complete = checkLakeRows("telemetry", lake.readingRows(), kafka.readings())
                & checkLakeRows("alerts", lake.alertRows(), kafka.alerts());
        if (!complete || kafka.readingsByDevice().isEmpty()) {
            return;
        }
        int wrong = 0;
        for (Map.Entry<String, DeviceReadings> device : kafka.readingsByDevice().entrySet()) {
            DeviceReadings inLake = lake.readingsByDevice().get(device.getKey());
            if (!device.getValue().matches(inLake)) {
                wrong++;
                if (wrong <= 3) {
                    fail("WRONG: the lake query gives %s %s, Kafka holds %s", device.getKey(),
                            inLake == null ? "no readings" : inLake, device.getValue());
                }
            }
        }
        for (String device : lake.readingsByDevice().keySet()) {
            if (!kafka.readingsByDevice().containsKey(device)) {
                wrong++;
                fail("WRONG: the lake query gives %s %s, Kafka holds none", device, lake.readingsByDevice().get(device));
            }
        }
        if (wrong == 0) {
            pass("datalake-sink: %d rows in %d files, each record of telemetry and alerts once; the DuckDB query's readings "
                    + "and average temperature per device match Kafka's records", lake.readingRows() + lake.alertRows(), lake.files());
        }
    }

    /** Fewer rows than records: the sink is behind (files land by rotation); more: a record was written twice. */
    private boolean checkLakeRows(String topic, long rows, long records) {
        if (rows < records) {
            fail("STALLED: datalake-sink committed %d rows of %s to the lake for %d records in Kafka", rows, topic, records);
        } else if (rows > records) {
            fail("DUPLICATED: datalake-sink committed %d rows of %s to the lake for %d records in Kafka (%d written twice; "
                    + "the lake sink is exactly once)", rows, topic, records, rows - records);
        }
        return rows == records;
    }

    private void checkConnectors(Map<String, String> connectorStates, List<String> unhealthy) {
        for (String problem : unhealthy) {
            fail("FAILED: %s", problem);
        }
        if (unhealthy.isEmpty()) {
            pass("connectors: %s", String.join("; ", connectorStates.values()));
        }
    }

    private void pass(String format, Object... args) {
        lines.add(String.format(Locale.ROOT, format, args));
    }

    private void note(String format, Object... args) {
        lines.add("note: " + String.format(Locale.ROOT, format, args));
    }

    private void fail(String format, Object... args) {
        failed = true;
        lines.add(String.format(Locale.ROOT, format, args));
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    boolean passed() {
        return !failed;
    }

    int exitStatus() {
        return failed ? 1 : 0;
    }
}
