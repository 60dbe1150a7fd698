package io.iotconnect.cosmos.writer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.IdStrategy;
import io.iotconnect.cosmos.config.IdTemplate;
import io.iotconnect.cosmos.config.PatchOperation;
import io.iotconnect.cosmos.config.TombstoneHandling;
import io.iotconnect.cosmos.config.WriteStrategy;
import io.iotconnect.cosmos.mapping.DocumentMapper;
import io.iotconnect.cosmos.mapping.IdResolver;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CosmosWriterTest {

    /** One worker's registry for the whole class, as a worker shares one; each writer gets task metrics of its own. */
    private static final io.iotconnect.testing.WorkerPluginMetrics WORKER = new io.iotconnect.testing.WorkerPluginMetrics();
    private static int tasks;

    private static WriterMetrics metrics() {
        return new WriterMetrics(WORKER.task("cosmos-writer-test", tasks++));
    }

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
    void aPatchThatLostTheCreateRaceIsRetriedAndAMissingDocumentFails() {
        assertThat(WriteOutcome.of(409, OperationKind.PATCH)).isEqualTo(WriteOutcome.RETRY);
        assertThat(WriteOutcome.of(404, OperationKind.PATCH)).isEqualTo(WriteOutcome.FAILED);
        assertThat(WriteOutcome.of(400, OperationKind.PATCH)).isEqualTo(WriteOutcome.FAILED);
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

    /** An OperationWriter that answers from a script and records what it was given. */
    private static final class ScriptedWrites implements OperationWriter {
        final List<List<Pending>> calls = new ArrayList<>();
        private final java.util.function.IntFunction<Integer> statusOfCall;

        ScriptedWrites(java.util.function.IntFunction<Integer> statusOfCall) {
            this.statusOfCall = statusOfCall;
        }

        @Override
        public List<Attempt> write(List<Pending> todo) {
            calls.add(List.copyOf(todo));
            Integer status = statusOfCall.apply(calls.size());
            if (status == null) {
                // What the SDK's bulk executor once threw under a throttling storm: no answer for any operation.
                throw new IllegalStateException("Could not emit buffer due to lack of requests");
            }
            List<Attempt> attempts = new ArrayList<>();
            for (Pending pending : todo) {
                attempts.add(Attempt.succeeded(pending, status, 1.0));
            }
            return attempts;
        }
    }

    private static CosmosWriter writer(WriteStrategy strategy, OperationWriter operations, List<Duration> sleeps) {
        return writer(strategy, TombstoneHandling.DELETE, operations, sleeps);
    }

    private static CosmosWriter writer(WriteStrategy strategy, TombstoneHandling tombstones, OperationWriter operations,
                                       List<Duration> sleeps) {
        ContainerTarget target = new ContainerTarget("devices", null, new PartitionKeys(List.of("/deviceId")));
        WriteSettings settings = new WriteSettings(strategy, "ts", new PatchPlan(PatchOperation.SET, Map.of()), true,
                tombstones, 4, Duration.ofSeconds(1), 3);
        return new CosmosWriter(Map.of("telemetry", target), new DocumentMapper(""), new IdResolver(IdStrategy.KEY, "id", IdTemplate.parse("")),
                settings, null, metrics(), sleeps::add, operations);
    }

    private static List<SinkRecord> readings(int count) {
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < count; offset++) {
            records.add(new SinkRecord("telemetry", 0, null, "dev-1", null,
                    Map.of("deviceId", "dev-1", "ts", 1000 + offset, "count", 1), offset));
        }
        return records;
    }

    @Test
    void aCallThatFailsForManyOperationsCountsItsChargeOnce() {
        ContainerTarget target = new ContainerTarget("devices", null, new PartitionKeys(List.of("/deviceId")));
        List<Pending> pendings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ObjectNode document = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("deviceId", "dev-" + i);
            pendings.add(Pending.ifNewer(new RecordOperations.Mapped(readings(3).get(i), target, "dev-" + i,
                    target.partitionKeys().valueOf(document), document), document.numberNode(i)));
        }
        com.azure.cosmos.CosmosException throttled = new com.azure.cosmos.CosmosException(429, "throttled") {
            @Override
            public double getRequestCharge() {
                return 2.5;
            }
        };
        List<Attempt> failed = Attempt.allFailed(pendings, throttled, 4.0);
        assertThat(failed).extracting(Attempt::status).containsExactly(429, 429, 429);
        assertThat(failed).extracting(Attempt::requestCharge).containsExactly(6.5, 0.0, 0.0);
        assertThat(failed).extracting(Attempt::pending).containsExactlyElementsOf(pendings);
    }

    private static SinkRecord tombstone(long offset) {
        return new SinkRecord("telemetry", 0, null, "dev-1", null, null, offset);
    }

    @Test
    void tombstonesDeleteOrAreIgnoredOrFailNamingTheRecord() {
        ScriptedWrites deletes = new ScriptedWrites(call -> 204);
        writer(WriteStrategy.UPSERT, TombstoneHandling.DELETE, deletes, new ArrayList<>()).write(List.of(tombstone(3)));
        assertThat(deletes.calls).singleElement().satisfies(call -> assertThat(call).singleElement()
                .satisfies(pending -> assertThat(pending.kind()).isEqualTo(OperationKind.DELETE)));

        ScriptedWrites ignored = new ScriptedWrites(call -> 200);
        writer(WriteStrategy.UPSERT, TombstoneHandling.IGNORE, ignored, new ArrayList<>()).write(List.of(tombstone(3)));
        assertThat(ignored.calls).as("nothing sent for an ignored tombstone").isEmpty();

        ScriptedWrites failing = new ScriptedWrites(call -> 200);
        assertThatThrownBy(() -> writer(WriteStrategy.UPSERT, TombstoneHandling.FAIL, failing, new ArrayList<>())
                .write(List.of(tombstone(3))))
                .isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .hasMessageContaining("Record telemetry-0@3").hasMessageContaining("cosmos.tombstones=fail")
                .hasMessageContaining("errors.deadletterqueue.topic.name");
        assertThat(failing.calls).isEmpty();
    }

    @Test
    void aRejectedRecordWithoutADeadLetterQueueFailsTheTaskNamingIt() {
        ScriptedWrites rejecting = new ScriptedWrites(call -> 400);
        assertThatThrownBy(() -> writer(WriteStrategy.UPSERT, rejecting, new ArrayList<>()).write(readings(1)))
                .isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageContaining("Record telemetry-0@0 was rejected by Cosmos DB with status 400")
                .hasMessageContaining("errors.tolerance=all");
        assertThat(rejecting.calls).as("a 400 is not retried").hasSize(1);
    }

    @Test
    void anSdkCallThatFailsAsAWholeIsRetriedNotFatal() {
        List<Duration> sleeps = new ArrayList<>();
        ScriptedWrites operations = new ScriptedWrites(call -> call == 1 ? null : 200);
        writer(WriteStrategy.UPSERT, operations, sleeps).write(readings(1));
        assertThat(operations.calls).hasSize(2);
        assertThat(sleeps).containsExactly(Duration.ofMillis(100));
    }

    @Test
    void whenSuchFailuresOutlastTheBudgetConnectDeliversTheBatchAgain() {
        ScriptedWrites operations = new ScriptedWrites(call -> null);
        assertThatThrownBy(() -> writer(WriteStrategy.UPSERT, operations, new ArrayList<>()).write(readings(1)))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("1 of 1 records were not written").hasMessageContaining("cosmos.retry.budget.ms=1000");
        assertThat(operations.calls).hasSizeGreaterThan(1);
    }

    @Test
    void aBatchKeepsTheLastRecordPerDocumentButEveryPatchInOrder() {
        ScriptedWrites upserts = new ScriptedWrites(call -> 200);
        writer(WriteStrategy.UPSERT, upserts, new ArrayList<>()).write(readings(3));
        assertThat(upserts.calls).singleElement().satisfies(todo ->
                assertThat(todo).extracting(pending -> pending.record().kafkaOffset()).containsExactly(2L));

        ScriptedWrites patches = new ScriptedWrites(call -> 200);
        writer(WriteStrategy.PATCH, patches, new ArrayList<>()).write(readings(3));
        assertThat(patches.calls).singleElement().satisfies(todo ->
                assertThat(todo).extracting(pending -> pending.record().kafkaOffset()).containsExactly(0L, 1L, 2L));
    }

    /** An OperationWriter whose feed records what it is given, and whether it was finished or abandoned. */
    private static final class RecordingFeeds implements OperationWriter.Streaming {
        final List<String> events = new ArrayList<>();

        @Override
        public List<Attempt> write(List<Pending> todo) {
            throw new AssertionError("retries are not expected here");
        }

        @Override
        public Feed open() {
            List<Pending> added = new ArrayList<>();
            return new Feed() {
                @Override
                public void add(Pending pending) {
                    added.add(pending);
                    events.add("add " + pending.id() + "@" + pending.record().kafkaOffset());
                }

                @Override
                public List<Attempt> finish() {
                    events.add("finish");
                    return added.stream().map(pending -> Attempt.succeeded(pending, 200, 1.0)).toList();
                }

                @Override
                public List<Pending> added() {
                    return added;
                }

                @Override
                public void abort() {
                    events.add("abort");
                }
            };
        }
    }

    private static CosmosWriter writer(OperationWriter operations, ErrantRecordReporter reporter) {
        ContainerTarget target = new ContainerTarget("devices", null, new PartitionKeys(List.of("/deviceId")));
        WriteSettings settings = new WriteSettings(WriteStrategy.UPSERT, "ts", new PatchPlan(PatchOperation.SET, Map.of()), true,
                TombstoneHandling.DELETE, 4, Duration.ofSeconds(1), 3);
        return new CosmosWriter(Map.of("telemetry", target), new DocumentMapper(""), new IdResolver(IdStrategy.KEY, "id", IdTemplate.parse("")),
                settings, reporter, metrics(), duration -> { }, operations);
    }

    /** A batch at offsets 0, 1, ... with these keys; a null key stands for a record whose value is no document. */
    private static List<SinkRecord> batch(String... keys) {
        List<SinkRecord> records = new ArrayList<>();
        for (int offset = 0; offset < keys.length; offset++) {
            Object value = keys[offset] == null ? "not a document" : Map.of("deviceId", keys[offset], "ts", offset);
            records.add(new SinkRecord("telemetry", 0, null, keys[offset] == null ? "dev-x" : keys[offset], null, value, offset));
        }
        return records;
    }

    @Test
    void upsertsAreHandedOverWhileTheBatchIsMappedEachDocumentOnceWithItsLastRecord() {
        RecordingFeeds feeds = new RecordingFeeds();
        writer(feeds, (record, error) -> {
            feeds.events.add("dead letter " + error.getMessage());
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }).write(batch("dev-1", "dev-2", "dev-1", null, "dev-3", null));

        // From the last record to the first: the first operation met for a document is its last record's. Records
        // that cannot be mapped go to the dead letter queue in record order, before the attempt is waited for.
        assertThat(feeds.events).hasSize(6);
        assertThat(feeds.events.subList(0, 3)).containsExactly("add dev-3@4", "add dev-1@2", "add dev-2@1");
        assertThat(feeds.events.get(3)).startsWith("dead letter Record telemetry-0@3 cannot be mapped to a document");
        assertThat(feeds.events.get(4)).startsWith("dead letter Record telemetry-0@5 cannot be mapped");
        assertThat(feeds.events.get(5)).isEqualTo("finish");
    }

    @Test
    void withoutADeadLetterQueueAnUnmappableRecordAbandonsTheAttemptAtOnceAndTheFirstIsNamed() {
        RecordingFeeds sentFirst = new RecordingFeeds();
        assertThatThrownBy(() -> writer(sentFirst, null).write(batch(null, "dev-1", "dev-2")))
                .isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .hasMessageContaining("Record telemetry-0@0 cannot be mapped to a document");
        // The later records' operations went out while the batch was mapped; the bad record, mapped last, ends it.
        assertThat(sentFirst.events).containsExactly("add dev-2@2", "add dev-1@1", "abort");

        RecordingFeeds twoBad = new RecordingFeeds();
        assertThatThrownBy(() -> writer(twoBad, null).write(batch("dev-1", "dev-2", "dev-1", null, "dev-3", null)))
                .isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .hasMessageContaining("Record telemetry-0@3 cannot be mapped to a document");
        assertThat(twoBad.events).as("offset 5 is met first, before anything is sent").containsExactly("abort");
    }

    /** Answers 500 for every operation on one document id, and 200 for the others; counts the calls. */
    private static final class OneFailingDocument implements OperationWriter {
        private final String failingId;
        int calls;

        OneFailingDocument(String failingId) {
            this.failingId = failingId;
        }

        @Override
        public List<Attempt> write(List<Pending> todo) {
            calls++;
            return todo.stream().map(pending -> pending.id().equals(failingId)
                    ? new Attempt(pending, 500, 0, Duration.ZERO, 1.0, null)
                    : Attempt.succeeded(pending, 200, 1.0)).toList();
        }
    }

    /** A writer of upserts with a 1 s retry budget that may be spent {@code exhaustedMax} times in a row. */
    private static CosmosWriter writer(OperationWriter operations, ErrantRecordReporter reporter, int exhaustedMax,
                                       WriterMetrics metrics) {
        ContainerTarget target = new ContainerTarget("devices", null, new PartitionKeys(List.of("/deviceId")));
        WriteSettings settings = new WriteSettings(WriteStrategy.UPSERT, "ts", new PatchPlan(PatchOperation.SET, Map.of()), true,
                TombstoneHandling.DELETE, 4, Duration.ofSeconds(1), exhaustedMax);
        return new CosmosWriter(Map.of("telemetry", target), new DocumentMapper(""), new IdResolver(IdStrategy.KEY, "id",
                IdTemplate.parse("")), settings, reporter, metrics, duration -> { }, operations);
    }

    /** A dead letter queue that keeps each record's offset and error message. */
    private static final class DeadLetters implements ErrantRecordReporter {
        final Map<Long, String> messages = new java.util.LinkedHashMap<>();

        @Override
        public java.util.concurrent.Future<Void> report(SinkRecord record, Throwable error) {
            messages.put(record.kafkaOffset(), error.getMessage());
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void aRecordThatOutlastsTheBudgetTimesInARowGoesToTheDeadLetterQueueAndTheRestStaysWritten() {
        io.iotconnect.testing.WorkerPluginMetrics worker = new io.iotconnect.testing.WorkerPluginMetrics();
        try (worker) {
            org.apache.kafka.common.metrics.internals.PluginMetricsImpl task = worker.task("cosmos-sink", 0);
            OneFailingDocument operations = new OneFailingDocument("dev-2");
            DeadLetters dlq = new DeadLetters();
            CosmosWriter writer = writer(operations, dlq, 3, new WriterMetrics(task));
            List<SinkRecord> records = batch("dev-1", "dev-2", "dev-3");

            for (int time = 1; time <= 2; time++) {
                int exhausted = time;
                assertThatThrownBy(() -> writer.write(records))
                        .as("budget spent %d of 3 times: Connect delivers the batch again", exhausted)
                        .isInstanceOf(RetriableException.class)
                        .hasMessageContaining("1 of 3 records were not written")
                        .hasMessageContaining("last answered status 500 (1)")
                        .hasMessageContaining("(" + exhausted + " of cosmos.retry.budget.exhausted.max=3 in a row)");
                assertThat(dlq.messages).isEmpty();
            }
            writer.write(records);

            assertThat(dlq.messages).containsOnlyKeys(1L);
            assertThat(dlq.messages.get(1L)).startsWith("Record telemetry-0@1 was not written: Cosmos DB answered status 500 "
                    + "in container 'devices' (id 'dev-2') through 3 retry budgets in a row (cosmos.retry.budget.ms=1000, "
                    + "cosmos.retry.budget.exhausted.max=3)");
            assertThat(worker.value(task, "retry-budget-exhausted-total")).isEqualTo(3.0);
            assertThat(worker.value(task, "records-failed-total")).isEqualTo(1.0);
            assertThat(worker.value(task, "documents-written-total")).as("dev-1 and dev-3, each of the 3 deliveries")
                    .isEqualTo(6.0);
        }
    }

    @Test
    void withoutADeadLetterQueueTheLastBudgetFailsTheTaskNamingTheRecordAndTheStatus() {
        OneFailingDocument operations = new OneFailingDocument("dev-2");
        CosmosWriter writer = writer(operations, null, 2, metrics());
        List<SinkRecord> records = batch("dev-1", "dev-2", "dev-3");

        assertThatThrownBy(() -> writer.write(records)).isInstanceOf(RetriableException.class);
        assertThatThrownBy(() -> writer.write(records))
                .isInstanceOf(org.apache.kafka.connect.errors.ConnectException.class)
                .isNotInstanceOf(RetriableException.class)
                .hasMessageStartingWith("Record telemetry-0@1 was not written: Cosmos DB answered status 500")
                .hasMessageContaining("through 2 retry budgets in a row")
                .hasMessageContaining("errors.deadletterqueue.topic.name");
    }

    @Test
    void aBatchThatIsWrittenStartsTheCountAgain() {
        OneFailingDocument operations = new OneFailingDocument("dev-2");
        DeadLetters dlq = new DeadLetters();
        CosmosWriter writer = writer(operations, dlq, 3, metrics());
        List<SinkRecord> failing = batch("dev-1", "dev-2");

        assertThatThrownBy(() -> writer.write(failing)).isInstanceOf(RetriableException.class).hasMessageContaining("(1 of");
        assertThatThrownBy(() -> writer.write(failing)).isInstanceOf(RetriableException.class).hasMessageContaining("(2 of");
        writer.write(batch("dev-1", "dev-3"));
        assertThatThrownBy(() -> writer.write(failing)).as("counted from 1 again after a written batch")
                .isInstanceOf(RetriableException.class).hasMessageContaining("(1 of");
        assertThatThrownBy(() -> writer.write(failing)).isInstanceOf(RetriableException.class).hasMessageContaining("(2 of");
        writer.write(failing);
        assertThat(dlq.messages).containsOnlyKeys(1L);
        assertThatThrownBy(() -> writer.write(failing)).as("and again after the failed records were routed")
                .isInstanceOf(RetriableException.class).hasMessageContaining("(1 of");
    }

    @Test
    void withAMaximumOfOneTheFirstSpentBudgetRoutesTheRecordsInOffsetOrder() {
        OperationWriter allFailing = todo -> todo.stream()
                .map(pending -> new Attempt(pending, 503, 0, Duration.ZERO, 0.0, null)).toList();
        DeadLetters dlq = new DeadLetters();
        writer(allFailing, dlq, 1, metrics()).write(batch("dev-3", "dev-1", "dev-2"));
        assertThat(dlq.messages.keySet()).containsExactly(0L, 1L, 2L);
        assertThat(dlq.messages.values()).allSatisfy(message -> assertThat(message)
                .contains("Cosmos DB answered status 503").contains("through 1 retry budget ("));
    }
}
