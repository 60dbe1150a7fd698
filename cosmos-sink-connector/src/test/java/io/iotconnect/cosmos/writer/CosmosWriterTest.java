package io.iotconnect.cosmos.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CosmosWriterTest {

    @Test
    void outcomesByStatusAndOperation() {
        assertThat(WriteOutcome.of(200, OperationKind.UPSERT)).isEqualTo(WriteOutcome.DONE);
        assertThat(WriteOutcome.of(201, OperationKind.CREATE)).isEqualTo(WriteOutcome.DONE);
        assertThat(WriteOutcome.of(409, OperationKind.CREATE)).as("already written").isEqualTo(WriteOutcome.DONE);
        assertThat(WriteOutcome.of(404, OperationKind.DELETE)).as("already gone").isEqualTo(WriteOutcome.DONE);
        assertThat(WriteOutcome.of(404, OperationKind.REPLACE)).isEqualTo(WriteOutcome.FAILED);
        assertThat(WriteOutcome.of(409, OperationKind.UPSERT)).isEqualTo(WriteOutcome.FAILED);
        assertThat(WriteOutcome.of(400, OperationKind.UPSERT)).isEqualTo(WriteOutcome.FAILED);
        assertThat(WriteOutcome.of(413, OperationKind.UPSERT)).isEqualTo(WriteOutcome.FAILED);
        for (int status : new int[] {0, 408, 410, 429, 449, 500, 502, 503}) {
            assertThat(WriteOutcome.of(status, OperationKind.UPSERT)).as("status %d", status).isEqualTo(WriteOutcome.RETRY);
        }
    }

    @Test
    void conditionalConflictsAreRetriedForUpsertIfNewer() {
        assertThat(WriteOutcome.of(412, OperationKind.UPSERT_IF_NEWER)).isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(409, OperationKind.UPSERT_IF_NEWER)).isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(Attempt.NOT_NEWER, OperationKind.UPSERT_IF_NEWER)).isEqualTo(WriteOutcome.DONE);
        assertThat(WriteOutcome.of(412, OperationKind.UPSERT)).isEqualTo(WriteOutcome.FAILED);
    }

    @Test
    void versionsCompareNumbersByValueAndTimesAsText() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode document = (ObjectNode) json.readTree("{\"ts\":1795000000000,\"meta\":{\"at\":\"2026-11-23T06:00:00Z\"}}");
        assertThat(ConditionalWrites.version(document, new String[] {"ts"}).asLong()).isEqualTo(1795000000000L);
        assertThat(ConditionalWrites.compare(json.readTree("9"), json.readTree("10"))).isNegative();
        assertThat(ConditionalWrites.compare(json.readTree("10.0"), json.readTree("10"))).isZero();
        assertThat(ConditionalWrites.compare(json.readTree("\"2026-11-23T06:00:00Z\""), json.readTree("\"2026-11-23T05:59:59Z\"")))
                .isPositive();
        assertThat(ConditionalWrites.version(document, new String[] {"meta", "at"}).asText()).isEqualTo("2026-11-23T06:00:00Z");
        assertThatThrownBy(() -> ConditionalWrites.version(document, new String[] {"missing"}))
                .isInstanceOf(DataException.class).hasMessageContaining("cosmos.write.newer.field");
    }

    @Test
    void backoffGrowsAndHonoursRetryAfter() {
        assertThat(CosmosWriter.backoff(1, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
        assertThat(CosmosWriter.backoff(2, Duration.ZERO)).isEqualTo(Duration.ofMillis(200));
        assertThat(CosmosWriter.backoff(10, Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(CosmosWriter.backoff(1, Duration.ofMillis(750))).as("retry-after wins when longer").isEqualTo(Duration.ofMillis(750));
        assertThat(CosmosWriter.backoff(1, null)).isEqualTo(Duration.ofMillis(100));
    }
}
