package io.iotconnect.localstack;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary's checks, each a plain sentence: what the devices published against what reached Kafka and each sink,
 * whether a sink stalled (a device's live-state document older than its newest reading), and whether any connector
 * or task is not RUNNING. {@link #exitStatus()} is 0 only when every check passed.
 */
final class PipelineVerdict {

    /** What the simulated devices published, by kind. */
    record Published(long total, long malformed, long invalid, long anomalies, long failedToPublish,
                     Map<String, Long> newestReadingByDevice) {
        long validReadings() {
            return total - malformed - invalid;
        }
    }

    /** What reached Kafka: records per topic. */
    record InKafka(long readings, long invalid, long errors, long alerts) {
        long total() {
            return readings + invalid + errors;
        }
    }

    /** What reached Cosmos DB: documents per container, and each device's live-state document timestamp (null: none). */
    record InCosmos(long readingDocuments, long alertDocuments, Map<String, Long> deviceDocumentTs) {
    }

    private final List<String> lines = new ArrayList<>();
    private boolean failed;

    PipelineVerdict(Published published, InKafka kafka, InCosmos cosmos, Map<String, String> connectorStates,
                    List<String> unhealthy) {
        checkKafka(published, kafka);
        checkCosmos(published, kafka, cosmos);
        checkConnectors(connectorStates, unhealthy);
        if (!failed) {
            lines.add("OK: nothing lost, no sink stalled, every connector and task RUNNING");
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
