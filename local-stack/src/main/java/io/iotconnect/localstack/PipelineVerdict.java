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
 * any connector or task is not RUNNING. {@link #exitStatus()} is 0 only when every check passed.
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
     * What reached Kafka: records per topic, and the readings topic's records per device (empty: not read, no check
     * of the lake's per-device query).
     */
    record InKafka(long readings, long invalid, long errors, long alerts, Map<String, DeviceReadings> readingsByDevice) {
        InKafka(long readings, long invalid, long errors, long alerts) {
            this(readings, invalid, errors, alerts, Map.of());
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

    /** What reached Cosmos DB: documents per container, and each device's live-state document timestamp (null: none). */
    record InCosmos(long readingDocuments, long alertDocuments, Map<String, Long> deviceDocumentTs) {
    }

    /**
     * What the lake sink committed: data files, rows per topic, and the per-device query's result over the readings
     * (empty: not run).
     */
    record InLake(long files, long readingRows, long alertRows, Map<String, DeviceReadings> readingsByDevice) {
    }

    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    PipelineVerdict(Published published, InKafka kafka, InCosmos cosmos, InLake lake, Map<String, String> connectorStates,
                    List<String> unhealthy) {
        checkKafka(published, kafka);
        checkCosmos(published, kafka, cosmos);
        checkLake(kafka, lake);
        checkConnectors(connectorStates, unhealthy);
        if (!failed) {
            lines.add("OK: nothing lost, no sink stalled, nothing duplicated in the lake, every connector and task RUNNING");
        }
    }

    private void checkKafka(Published published, InKafka kafka) {
        long missing = published.total() - kafka.total();
        if (missing > 0) {
            fail("LOST: %d of %d published messages are in none of the topics (readings, invalid, errors)", missing, published.total());
        } else if (missing == 0) {
            pass("every published message reached Kafka, each once");
        } else {
            pass("every published message reached Kafka (%d more records than messages: duplicate deliveries after a "
                    + "restart, which at-least-once allows)", -missing);
        }
        if (published.failedToPublish() > 0) {
            note("%d messages the simulator could not publish (the broker did not acknowledge them); they are not counted "
                    + "as published and cannot be lost", published.failedToPublish());
        }
        if (kafka.readings() < published.validReadings()) {
            fail("LOST: %d valid readings published, %d in the readings topic", published.validReadings(), kafka.readings());
        }
        if (kafka.invalid() < published.invalid()) {
            fail("LOST: %d invalid readings published, %d in the invalid topic", published.invalid(), kafka.invalid());
        }
        if (kafka.errors() < published.malformed()) {
            fail("LOST: %d malformed messages published, %d in the error topic", published.malformed(), kafka.errors());
        }
        if (kafka.alerts() < published.anomalies()) {
            fail("MISSED: %d anomalies injected, %d in alerts", published.anomalies(), kafka.alerts());
        }
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
