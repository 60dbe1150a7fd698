package io.iotconnect.cosmos.writer;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

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
    void backoffGrowsAndHonoursRetryAfter() {
        assertThat(CosmosWriter.backoff(1, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
        assertThat(CosmosWriter.backoff(2, Duration.ZERO)).isEqualTo(Duration.ofMillis(200));
        assertThat(CosmosWriter.backoff(10, Duration.ZERO)).isEqualTo(Duration.ofSeconds(5));
        assertThat(CosmosWriter.backoff(1, Duration.ofMillis(750))).as("retry-after wins when longer").isEqualTo(Duration.ofMillis(750));
        assertThat(CosmosWriter.backoff(1, null)).isEqualTo(Duration.ofMillis(100));
    }
}
