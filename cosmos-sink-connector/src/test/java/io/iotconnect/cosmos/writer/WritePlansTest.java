package io.iotconnect.cosmos.writer;

import io.iotconnect.cosmos.config.IdStrategy;
import io.iotconnect.cosmos.config.IdTemplate;
import io.iotconnect.cosmos.config.PatchOperation;
import io.iotconnect.cosmos.config.TombstoneHandling;
import io.iotconnect.cosmos.mapping.DocumentMapper;
import io.iotconnect.cosmos.mapping.IdResolver;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each write plan on its own: what it sends of a batch, in which order, and what it reports as unmappable, with a
 * writer that answers every operation with 200 and remembers what it was given.
 */
class WritePlansTest {

    private static final ContainerTarget TARGET = new ContainerTarget("devices", null, new PartitionKeys(List.of("/deviceId")));
    private static final io.iotconnect.testing.WorkerPluginMetrics WORKER = new io.iotconnect.testing.WorkerPluginMetrics();

    private final RecordOperations operations = new RecordOperations(Map.of("telemetry", TARGET), new DocumentMapper(""),
            new IdResolver(IdStrategy.KEY, "id", IdTemplate.parse("")), TombstoneHandling.DELETE);
    private final List<SinkRecord> unmappable = new ArrayList<>();

    /** Routes unmappable records, as with a dead letter queue; {@code strict} throws instead. */
    private WritePlan.Failures failures(boolean strict) {
        return new WritePlan.Failures() {
            @Override
            public void unmappable(SinkRecord record, DataException reason) {
                if (strict) {
                    throw new ConnectException("offset " + record.kafkaOffset() + ": " + reason.getMessage());
                }
                unmappable.add(record);
            }

            @Override
            public boolean routesRecords() {
                return !strict;
            }
        };
    }

    /** Answers every operation with 200, remembering each call. */
    private static final class Accepting implements OperationWriter {
        final List<List<Pending>> calls = new ArrayList<>();

        @Override
        public List<Attempt> write(List<Pending> todo) {
            calls.add(List.copyOf(todo));
            return todo.stream().map(pending -> Attempt.succeeded(pending, 200, 1.0)).toList();
        }
    }

    /** A streaming writer whose feed remembers what was added, and whether it was finished or abandoned. */
    private static final class RecordingFeed implements OperationWriter.Streaming {
        final List<Pending> added = new ArrayList<>();
        String ended;

        @Override
        public List<Attempt> write(List<Pending> todo) {
            return todo.stream().map(pending -> Attempt.succeeded(pending, 200, 1.0)).toList();
        }

        @Override
        public Feed open() {
            return new Feed() {
                @Override
                public void add(Pending pending) {
                    added.add(pending);
                }

                @Override
                public List<Attempt> finish() {
                    ended = "finished";
                    return write(added);
                }

                @Override
                public List<Pending> added() {
                    return added;
                }

                @Override
                public void abort() {
                    ended = "aborted";
                }
            };
        }
    }

    private static SinkRecord reading(String device, long offset, Object ts, Object count) {
        Map<String, Object> value = new HashMap<>();
        value.put("deviceId", device);
        value.put("ts", ts);
        value.put("count", count);
        return new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, device, null, value, offset);
    }

    private static SinkRecord tombstone(String device, long offset) {
        return new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, device, null, null, offset);
    }

    /** A value with no deviceId: no partition key, so it cannot be mapped. */
    private static SinkRecord broken(String key, long offset) {
        return new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, key, null, Map.of("ts", 1L), offset);
    }

    private static List<Long> offsets(List<Pending> pendings) {
        return pendings.stream().map(pending -> pending.record().kafkaOffset()).toList();
    }

    @Test
    void lastWriteWinsSendsTheLastRecordOfEachDocumentAndDeletesForTombstones() {
        Accepting writer = new Accepting();
        WritePlan plan = new LastWriteWinsPlan(operations, writer, OperationKind.UPSERT);
        List<Attempt> attempts = plan.firstAttempt(List.of(reading("a", 0, 1L, 1L), reading("b", 1, 1L, 1L), broken("c", 2),
                reading("a", 3, 2L, 1L), tombstone("b", 4)), failures(false));
        assertThat(attempts).hasSize(2);
        assertThat(writer.calls).singleElement().satisfies(call -> {
            assertThat(offsets(call)).containsExactlyInAnyOrder(3L, 4L);
            assertThat(call).extracting(Pending::kind).containsExactlyInAnyOrder(OperationKind.UPSERT, OperationKind.DELETE);
            assertThat(call).allSatisfy(pending -> assertThat(pending.operation()).isNotNull());
        });
        assertThat(unmappable).extracting(SinkRecord::kafkaOffset).containsExactly(2L);
    }

    @Test
    void lastWriteWinsStreamsFromTheLastRecordAndAbandonsTheAttemptWhenStrict() {
        RecordingFeed feed = new RecordingFeed();
        WritePlan plan = new LastWriteWinsPlan(operations, feed, OperationKind.CREATE);
        plan.firstAttempt(List.of(reading("a", 0, 1L, 1L), broken("x", 1), reading("a", 2, 2L, 1L), broken("y", 3),
                reading("b", 4, 1L, 1L)), failures(false));
        assertThat(offsets(feed.added)).as("fed from the last record, once per document").containsExactly(4L, 2L);
        assertThat(feed.added).extracting(Pending::kind).containsOnly(OperationKind.CREATE);
        assertThat(feed.ended).isEqualTo("finished");
        assertThat(unmappable).as("reported in record order").extracting(SinkRecord::kafkaOffset).containsExactly(1L, 3L);

        RecordingFeed strictFeed = new RecordingFeed();
        WritePlan strict = new LastWriteWinsPlan(operations, strictFeed, OperationKind.UPSERT);
        assertThatThrownBy(() -> strict.firstAttempt(List.of(reading("a", 0, 1L, 1L), broken("x", 1), reading("b", 2, 1L, 1L),
                broken("y", 3)), failures(true))).isInstanceOf(ConnectException.class).hasMessageStartingWith("offset 1:");
        assertThat(strictFeed.ended).isEqualTo("aborted");
    }

    @Test
    void newestWinsSendsOnlyTheNewestRecordOfEachDocumentAndCountsTheOlderAsSkipped() {
        Accepting writer = new Accepting();
        WriterMetrics metrics = new WriterMetrics(WORKER.task("newest-wins", 0));
        WritePlan plan = new NewestWinsPlan(operations, writer, new String[] {"ts"}, metrics);
        plan.firstAttempt(List.of(reading("a", 0, 5L, 1L), reading("a", 1, 3L, 1L), reading("b", 2, 1L, 1L),
                reading("b", 3, 2L, 1L), reading("c", 4, null, 1L)),
                failures(false));
        assertThat(writer.calls).singleElement().satisfies(call -> {
            assertThat(offsets(call)).as("a's newest came first; b's came last").containsExactlyInAnyOrder(0L, 3L);
            assertThat(call).extracting(Pending::kind).containsOnly(OperationKind.UPSERT_IF_NEWER);
            assertThat(call).allSatisfy(pending -> assertThat(pending.version()).isNotNull());
        });
        assertThat(unmappable).as("no version to compare").extracting(SinkRecord::kafkaOffset).containsExactly(4L);
        assertThat(WORKER.value(WORKER.task("newest-wins", 0), "records-skipped-older-total")).isEqualTo(1.0);
    }

    @Test
    void inOrderKeepsEveryRecordInRecordOrder() {
        Accepting writer = new Accepting();
        WritePlan plan = new InOrderPlan(operations, writer, new PatchPlan(PatchOperation.SET, Map.of("count", PatchOperation.INCREMENT)));
        plan.firstAttempt(List.of(reading("a", 0, 1L, 1L), reading("a", 1, 2L, 2L), reading("b", 2, 1L, "many"),
                tombstone("b", 3), reading("a", 4, 3L, 3L)), failures(false));
        assertThat(writer.calls).singleElement().satisfies(call -> {
            assertThat(offsets(call)).containsExactly(0L, 1L, 3L, 4L);
            assertThat(call).extracting(Pending::kind).containsExactly(OperationKind.PATCH, OperationKind.PATCH,
                    OperationKind.DELETE, OperationKind.PATCH);
            assertThat(call.get(0).patch()).isNotEmpty();
        });
        assertThat(unmappable).as("a non-number to increment").extracting(SinkRecord::kafkaOffset).containsExactly(2L);
    }
}
