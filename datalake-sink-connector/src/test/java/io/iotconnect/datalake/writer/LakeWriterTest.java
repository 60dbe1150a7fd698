package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.LakeFiles;
import io.iotconnect.datalake.LogCapture;
import io.iotconnect.datalake.client.LakeClients;
import io.iotconnect.datalake.commit.FileCommitter;
import io.iotconnect.datalake.commit.RenameCommitter;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.format.FormatWriters;
import io.iotconnect.datalake.storage.LakeStore;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.Readings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The writer against the in-repo ADLS Gen2 endpoint, driven record by record the way a sink task is, with crashes
 * simulated at every step of a commit: a dropped writer is a worker that died, its replacement recovers from the lake.
 */
class LakeWriterTest {

    private static final long HOUR = 3_600_000L;
    private static final long T0 = LakeHarness.T0;
    private static DataLakeServer lake;
    private static int fileSystems;

    @BeforeAll
    static void startLake() {
        lake = DataLakeServer.start();
    }

    @AfterAll
    static void stopLake() {
        lake.close();
    }

    private static LakeHarness harness(Map<String, String> overrides) {
        return new LakeHarness(lake, "lake-" + (++fileSystems), overrides);
    }

    /** Reading {@code i} of partition {@code p}: device i % 7 (uneven), time moving an hour every 40 readings. */
    private static SinkRecord reading(int partition, long offset) {
        String device = "dev-" + (offset * 7 + partition) % 5;
        long ts = T0 + offset / 40 * HOUR + offset;
        return new SinkRecord("telemetry", partition, Schema.STRING_SCHEMA, device, Readings.SCHEMA,
                Readings.struct(device, ts, 20.0 + offset % 10, 40.0), offset, ts, TimestampType.CREATE_TIME);
    }

    @Test
    void writesFilesWhereTheTemplateSaysAndCommitsOnlyWhatIsInThem() throws Exception {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 25; offset++) {
            batch.add(reading(0, offset));
        }
        writer.write(batch);

        assertThat(writer.committedOffsets()).containsEntry(p0, 20L);
        List<Path> files = LakeFiles.dataFiles(h.root());
        assertThat(files).extracting(f -> h.root().relativize(f).toString()).containsExactly(
                "telemetry/dt=2026-12-01/hour=05/telemetry+0+0000000000000000000.parquet",
                "telemetry/dt=2026-12-01/hour=05/telemetry+0+0000000000000000010.parquet");
        assertThat(h.rows()).extracting(row -> row.get("kafka_offset")).containsExactlyInAnyOrder(
                0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
        assertThat(writer.openFiles()).isEqualTo(1);

        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        assertThat(writer.committedOffsets()).as("the wall-clock schedule commits the last file").containsEntry(p0, 25L);
        assertThat(h.rows()).hasSize(25);
        assertThat(writer.openFiles()).isZero();
    }

    @Test
    void commitsRunBesideTheTaskAndPreCommitWaitsForThem() throws Exception {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10"));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean renamed = new java.util.concurrent.atomic.AtomicBoolean();
        FileCommitter real = new RenameCommitter(h.store);
        FileCommitter held = files -> {
            try {
                release.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            real.commit(files);
            renamed.set(true);
        };
        LakeWriter writer = h.writer(held, true);
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        List<SinkRecord> first = new ArrayList<>();
        for (long offset = 0; offset < 25; offset++) {
            first.add(reading(0, offset));
        }
        writer.write(first);
        assertThat(renamed).as("put() returned while its commit was still running").isFalse();
        assertThat(LakeFiles.dataFiles(h.root())).isEmpty();

        // The task goes on while that commit runs; the file it finishes now waits for the next commit.
        List<SinkRecord> second = new ArrayList<>();
        for (long offset = 25; offset < 40; offset++) {
            second.add(reading(0, offset));
        }
        writer.write(second);
        assertThat(renamed).isFalse();
        release.countDown();

        assertThat(writer.committedOffsets()).containsEntry(p0, 40L);
        assertThat(h.rows()).extracting(row -> row.get("kafka_offset")).hasSize(40).doesNotHaveDuplicates();
        writer.stop();
    }

    @Test
    void aCommitThatFailsOnItsThreadIsTakenUpAtTheNextPutAndNothingIsLostOrDoubled() throws Exception {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10"));
        AtomicInteger commits = new AtomicInteger();
        FileCommitter real = new RenameCommitter(h.store);
        // The second commit renames its first file, then fails: the index names both files as pending.
        FileCommitter failsOnce = files -> {
            if (commits.incrementAndGet() == 2) {
                real.commit(files.subList(0, 1));
                throw new IllegalStateException("injected: the store went away mid-commit");
            }
            real.commit(files);
        };
        LakeWriter writer = h.writer(failsOnce, true);
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        long position = 0;
        int seeks = 0;
        for (int round = 0; round < 10; round++) {
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                batch.add(reading(0, position++));
            }
            h.seeks.clear();
            writer.write(batch);
            if (h.seeks.containsKey(p0)) {
                position = h.seeks.get(p0);
                seeks++;
            }
            // Lets each commit end on its thread before the next put(), which takes up its outcome.
            Thread.sleep(100);
        }
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        assertThat(writer.committedOffsets()).containsEntry(p0, position);

        assertThat(seeks).as("the failed commit made the writer recover and seek").isEqualTo(1);
        assertThat(commits.get()).isGreaterThan(2);
        List<Map<String, Object>> rows = h.rows();
        assertThat(rows.stream().map(row -> row.get("kafka_offset")).distinct().count()).isEqualTo(position);
        assertThat(rows).hasSize((int) position);
        writer.stop();
    }

    @Test
    void interleavedDirectoriesKeepOneFilePerDirectoryAndReplayedRecordsAreNotWrittenTwice() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}/device=${value.deviceId}",
                DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "12"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 100; offset++) {
            batch.add(reading(0, offset));
        }
        writer.write(batch);
        assertThat(writer.openFiles()).as("five devices interleaved: one open file each").isEqualTo(5);
        Map<TopicPartition, Long> committed = writer.committedOffsets();
        long rowsBefore = h.rows().size();
        assertThat(rowsBefore).isGreaterThan(0);

        // The worker dies; its successor's recovery seeks to the lake's committed offset, the first offset of a file
        // that was still open. Above it are records in files committed while that one was open: those are skipped.
        LakeWriter replacement = h.writer();
        h.seeks.clear();
        replacement.open(List.of(p0));
        assertThat(h.seeks).containsEntry(p0, committed.get(p0));
        replacement.write(batch.subList((int) (long) committed.get(p0), batch.size()));
        h.time.sleep(h.config.rotateScheduleMs());
        replacement.write(List.of());
        replacement.committedOffsets();

        List<Map<String, Object>> rows = h.rows();
        assertThat(rows).hasSize(100);
        assertThat(rows.stream().map(row -> row.get("kafka_offset")).distinct().count()).isEqualTo(100);
        assertThat(LakeFiles.dataFiles(h.root())).hasSizeLessThanOrEqualTo(5 * 3);
    }

    /** A worker dying at a chosen step of its next commit. */
    private static final class Crash extends Error {
        Crash(String step) {
            super(step);
        }
    }

    private static final class CrashingCommitter implements FileCommitter {
        private final FileCommitter real;
        private final int renamesBeforeCrash;

        CrashingCommitter(FileCommitter real, int renamesBeforeCrash) {
            this.real = real;
            this.renamesBeforeCrash = renamesBeforeCrash;
        }

        @Override
        public void commit(List<PendingFile> files) {
            for (int i = 0; i < files.size(); i++) {
                if (i == renamesBeforeCrash) {
                    throw new Crash("after " + i + " of " + files.size() + " renames");
                }
                real.commit(List.of(files.get(i)));
            }
        }
    }

    @Test
    void crashesAtEveryStepOfACommitLoseNothingAndDuplicateNothing() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG,
                "${topic}/dt=${time:yyyy-MM-dd}/hour=${time:HH}/device=${value.deviceId}",
                DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "9", DataLakeSinkConfig.OPEN_FILES_MAX_CONFIG, "6"));
        int partitions = 3;
        long perPartition = 400;
        Random random = new Random(42);
        Map<TopicPartition, Long> kafkaCommitted = new HashMap<>();
        Map<TopicPartition, Long> position = new HashMap<>();
        List<TopicPartition> assignment = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            TopicPartition tp = new TopicPartition("telemetry", p);
            assignment.add(tp);
            kafkaCommitted.put(tp, 0L);
        }
        int crashes = 0;
        Set<String> steps = new HashSet<>();
        boolean done = false;
        while (!done) {
            // A new worker: Connect's consumer starts at the committed offsets, the writer's recovery seeks.
            int crashStep = random.nextInt(4);
            FileCommitter committer = crashStep == 1 ? new CrashingCommitter(new RenameCommitter(h.store), 0)
                    : crashStep == 2 ? new CrashingCommitter(new RenameCommitter(h.store), 1) : new RenameCommitter(h.store);
            // Commits on this thread, so that each crash comes at the step chosen and stops everything at once.
            LakeWriter writer = h.writer(committer, true, Runnable::run);
            h.seeks.clear();
            position.putAll(kafkaCommitted);
            int batchesBeforeCrash = 1 + random.nextInt(6);
            try {
                // A crash may come during recovery too, while it commits what the last worker left pending.
                writer.open(assignment);
                position.putAll(h.seeks);
                for (int batchNo = 0; ; batchNo++) {
                    List<SinkRecord> batch = new ArrayList<>();
                    for (TopicPartition tp : assignment) {
                        long from = position.get(tp);
                        long to = Math.min(perPartition, from + 1 + random.nextInt(30));
                        for (long offset = from; offset < to; offset++) {
                            batch.add(reading(tp.partition(), offset));
                        }
                        position.put(tp, to);
                    }
                    h.seeks.clear();
                    writer.write(batch);
                    position.putAll(h.seeks);
                    if (batchNo % 3 == 2) {
                        h.time.sleep(h.config.rotateScheduleMs());
                    }
                    if (crashStep == 0 && batchNo == batchesBeforeCrash) {
                        // Dies with files open and finished but nothing of them in the index.
                        throw new Crash("with open files");
                    }
                    if (crashStep == 3 && batchNo == batchesBeforeCrash) {
                        writer.committedOffsets();
                        // Dies after its commit, before Connect commits the offsets to Kafka.
                        throw new Crash("after the commit, before the offset commit");
                    }
                    if (batch.isEmpty()) {
                        h.time.sleep(h.config.rotateScheduleMs());
                        writer.write(List.of());
                        Map<TopicPartition, Long> offsets = writer.committedOffsets();
                        if (assignment.stream().allMatch(tp -> offsets.getOrDefault(tp, -1L) == perPartition)) {
                            done = true;
                            break;
                        }
                    }
                    if (random.nextInt(4) == 0) {
                        kafkaCommitted.putAll(writer.committedOffsets());
                    }
                }
            } catch (Crash crash) {
                crashes++;
                steps.add(crash.getMessage().replaceAll("\\d+ of \\d+", "n"));
            }
        }

        List<Map<String, Object>> rows = h.rows();
        Map<String, Integer> counts = new HashMap<>();
        for (Map<String, Object> row : rows) {
            counts.merge(row.get("kafka_partition") + "@" + row.get("kafka_offset"), 1, Integer::sum);
        }
        assertThat(crashes).isGreaterThanOrEqualTo(5);
        assertThat(steps).contains("with open files", "after the commit, before the offset commit", "after n renames");
        assertThat(counts.values()).as("no duplicate rows").allMatch(count -> count == 1);
        assertThat(counts).as("no lost rows").hasSize((int) (partitions * perPartition));
        assertThat(LakeFiles.dataFiles(h.root().resolve("_tmp"))).isEmpty();
    }

    @Test
    void aDriftingPayloadStartsOneNewFileWhoseSchemaHoldsBoth() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 60; offset++) {
            Map<String, Object> value = new HashMap<>(Readings.map("dev-1", T0 + offset, 21.0, 40.0));
            if (offset % 2 == 1) {
                value.remove("humidity");
            }
            if (offset >= 30) {
                value.put("temperature", offset % 3 == 0 ? 21 : 21.5);
                value.put("firmware", "1.2");
            }
            batch.add(new SinkRecord("telemetry", 0, null, "dev-1", null, value, offset, T0 + offset, TimestampType.CREATE_TIME));
        }
        writer.write(batch);
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        writer.committedOffsets();

        assertThat(LakeFiles.dataFiles(h.root())).as("missing fields fit; a new field starts one file").hasSize(2);
        List<Map<String, Object>> rows = h.rows();
        assertThat(rows).hasSize(60);
        assertThat(rows.stream().filter(row -> "1.2".equals(row.get("firmware")))).hasSize(30);
    }

    @Test
    void atTheOpenFileBoundTheOldestFileIsCommitted() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}/device=${value.deviceId}",
                DataLakeSinkConfig.OPEN_FILES_MAX_CONFIG, "3"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 50; offset++) {
            batch.add(reading(0, offset));
        }
        writer.write(batch);

        assertThat(writer.openFiles()).isEqualTo(3);
        assertThat(writer.committedOffsets().get(p0)).isGreaterThanOrEqualTo(0L);
        assertThat(LakeFiles.dataFiles(h.root())).isNotEmpty();
    }

    @Test
    void aRecordThatCannotBeWrittenGoesToTheDeadLetterQueueAndTheRestIsWritten() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.TIME_FIELD_CONFIG, "ts"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        SinkRecord good = reading(0, 0);
        SinkRecord noTime = new SinkRecord("telemetry", 0, null, "d", null, Map.of("deviceId", "d", "ts", "yesterday"), 1);
        SinkRecord good2 = reading(0, 2);
        writer.write(List.of(good, noTime, good2));
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());

        assertThat(h.failed).containsExactly(noTime);
        assertThat(writer.committedOffsets()).containsEntry(p0, 3L);
        assertThat(h.rows()).hasSize(2);

        LakeWriter strict = h.writer(new RenameCommitter(h.store), false);
        TopicPartition p1 = new TopicPartition("telemetry", 1);
        strict.open(List.of(p1));
        assertThatThrownBy(() -> strict.write(List.of(new SinkRecord("telemetry", 1, null, "d", null, Map.of("a", 1), 7))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("telemetry-1@7")
                .hasMessageContaining("no time field 'ts'").hasMessageContaining("errors.tolerance=all");
    }

    @Test
    void storageFaultsAreRetriedOrReplayedWithNothingLost() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "20", DataLakeSinkConfig.RETRY_MAX_TRIES_CONFIG, "3",
                DataLakeSinkConfig.UPLOAD_BUFFER_CONFIG, String.valueOf(64 * 1024)));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        long position = 0;
        lake.inject(DataLakeServer.Fault.throttle(503, java.time.Duration.ofMillis(20)), DataLakeServer.Operation.APPEND, 2);
        lake.inject(DataLakeServer.Fault.drop(), DataLakeServer.Operation.FLUSH, 1);
        lake.inject(DataLakeServer.Fault.loseResponse(), DataLakeServer.Operation.RENAME, 1);
        for (int round = 0; round < 6; round++) {
            if (round == 3) {
                // Beyond the SDK's tries: the partition's open files are dropped and it is read again.
                lake.inject(DataLakeServer.Fault.status(500, "InternalError"), DataLakeServer.Operation.FLUSH, 3);
            }
            List<SinkRecord> batch = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                batch.add(reading(0, position++));
            }
            h.seeks.clear();
            writer.write(batch);
            if (h.seeks.containsKey(p0)) {
                position = h.seeks.get(p0);
            }
        }
        lake.clearFaults();
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        assertThat(writer.committedOffsets()).containsEntry(p0, position);

        List<Map<String, Object>> rows = h.rows();
        assertThat(rows.stream().map(row -> row.get("kafka_offset")).distinct().count()).isEqualTo(position);
        assertThat(rows).hasSize((int) position);
    }

    @Test
    void aStoreThatKeepsFailingFailsTheTaskWithItsReasonAfterTheBoundNotForever() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10", DataLakeSinkConfig.RETRY_MAX_TRIES_CONFIG, "2",
                DataLakeSinkConfig.STORAGE_FAILURES_MAX_CONFIG, "3"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        lake.inject(DataLakeServer.Fault.status(500, "InternalError"), DataLakeServer.Operation.ANY, Integer.MAX_VALUE);
        try {
            ConnectException failure = null;
            long position = 0;
            int puts = 0;
            // Each put() writes, commits or recovers: every one fails, so the bound is reached within a few puts.
            while (failure == null && puts < 20) {
                List<SinkRecord> batch = new ArrayList<>();
                for (int i = 0; i < 15; i++) {
                    batch.add(reading(0, position++));
                }
                puts++;
                try {
                    writer.write(batch);
                    writer.committedOffsets();
                } catch (ConnectException e) {
                    failure = e;
                }
            }
            assertThat(failure).as("the task failed within %d puts", puts).isNotNull();
            assertThat(failure).hasMessageContaining("the lake refused 3 writes in a row")
                    .hasMessageContaining(DataLakeSinkConfig.STORAGE_FAILURES_MAX_CONFIG).hasMessageContaining("500");
        } finally {
            lake.clearFaults();
        }
        assertThat(h.rows()).as("nothing half-written became visible").isEmpty();
        writer.stop();
    }

    @Test
    void aCompletenessMarkerAppearsOnlyWhenEveryPartitionPassedTheHour() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "1000"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        TopicPartition p1 = new TopicPartition("telemetry", 1);
        writer.open(List.of(p0, p1));
        Path hour5 = h.root().resolve("telemetry/dt=2026-12-01/hour=05/_SUCCESS");
        // Partition 0 moves on to hour 6; partition 1 is still in hour 5.
        writer.write(List.of(at(0, 0, T0 + 10), at(0, 1, T0 + HOUR + 10), at(1, 0, T0 + 20)));
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        writer.committedOffsets();
        writer.checkMarkersNow();
        assertThat(Files.exists(hour5)).isFalse();

        writer.write(List.of(at(1, 1, T0 + HOUR + 30)));
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        writer.committedOffsets();
        writer.checkMarkersNow();
        assertThat(Files.exists(hour5)).isTrue();
        assertThat(Files.exists(h.root().resolve("telemetry/dt=2026-12-01/hour=06/_SUCCESS"))).isFalse();
    }

    @Test
    void recoveryReadsOneIndexPerPartitionHoweverLargeTheLakeGrows() throws Exception {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10"));
        List<TopicPartition> partitions = List.of(new TopicPartition("telemetry", 0), new TopicPartition("telemetry", 1));
        LakeWriter writer = h.writer();
        writer.open(partitions);
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 30; offset++) {
            batch.add(reading(0, offset));
            batch.add(reading(1, offset));
        }
        writer.write(batch);
        Map<TopicPartition, Long> committed = writer.committedOffsets();
        // A first recovery commits what the last commit left pending, so the two measured ones find the same state.
        h.writer().open(partitions);

        int smallLakeFiles = LakeFiles.dataFiles(h.root()).size();
        long before = lake.requests();
        long started = System.nanoTime();
        h.writer().open(partitions);
        long smallLakeRequests = lake.requests() - before;
        long smallLakeNanos = System.nanoTime() - started;

        // 10,000 more committed files, in the directories a year of hourly files of ten partitions would fill.
        Path topic = h.root().resolve("telemetry");
        for (int i = 0; i < 10_000; i++) {
            Path hour = topic.resolve(String.format("dt=2025-%02d-%02d/hour=%02d", 1 + i / 800 % 12, 1 + i / 24 % 28, i % 24));
            Files.createDirectories(hour);
            Files.write(hour.resolve("telemetry+" + (2 + i % 10) + "+" + String.format("%019d", i) + ".parquet"), new byte[16]);
        }
        h.seeks.clear();
        before = lake.requests();
        started = System.nanoTime();
        h.writer().open(partitions);
        long largeLakeRequests = lake.requests() - before;
        long largeLakeNanos = System.nanoTime() - started;

        assertThat(h.seeks).isEqualTo(committed);
        // Per partition: read the index and the claim, write the index again (create, append, flush, rename), list
        // the temporary directory.
        assertThat(smallLakeRequests).as("requests to recover two partitions").isEqualTo(14);
        assertThat(largeLakeRequests).as("requests to recover two partitions").isEqualTo(smallLakeRequests);
        System.out.printf("recovery of 2 partitions: %d requests, %.1f ms with %d files; %d requests, %.1f ms with %d files%n",
                smallLakeRequests, smallLakeNanos / 1e6, smallLakeFiles, largeLakeRequests, largeLakeNanos / 1e6,
                LakeFiles.dataFiles(h.root()).size());
    }

    @Test
    void aFirstStartAndARestartLogNoWarningNoErrorAndNoStackTrace() {
        List<TopicPartition> partitions = List.of(new TopicPartition("telemetry", 0), new TopicPartition("telemetry", 1),
                new TopicPartition("telemetry", 2));
        Map<String, String> settings = Map.of(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10");
        try (LogCapture logs = LogCapture.warningsAndErrors()) {
            // A file system created at start, with no index, claim or temporary directory of any partition: each
            // look-up of recovery meets a 404.
            LakeHarness h = harness(settings);
            LakeWriter first = h.writer();
            long before = lake.requests();
            first.open(partitions);
            long freshRequests = lake.requests() - before;
            assertThat(h.seeks).as("nothing committed yet").isEmpty();
            List<SinkRecord> batch = new ArrayList<>();
            for (long offset = 0; offset < 25; offset++) {
                for (TopicPartition partition : partitions) {
                    batch.add(reading(partition.partition(), offset));
                }
            }
            // The first commit of each partition renames into a directory that does not exist yet.
            first.write(batch);
            Map<TopicPartition, Long> committed = first.committedOffsets();
            first.checkMarkersNow();
            first.stop();

            // A restart: the file system is there, and each partition has its index and its claim.
            LakeHarness restarted = new LakeHarness(lake, h.fileSystem, settings);
            restarted.writer().open(partitions);

            assertThat(committed).containsOnlyKeys(partitions).allSatisfy((partition, offset) -> assertThat(offset).isEqualTo(20L));
            assertThat(restarted.seeks).isEqualTo(committed);
            assertThat(h.rows()).hasSize(60);
            // Per partition: read the index and the claim (both missing), write the first index (create, append, flush,
            // rename), write it again, write the claim, list the temporary directory (missing).
            assertThat(freshRequests).as("requests to recover three partitions of a fresh file system").isEqualTo(45);
            assertThat(logs.events()).as("warnings, errors and stack traces").isEmpty();
        }
    }

    @Test
    void tombstonesAreIgnoredWrittenAsNullRowsOrFailed() {
        SinkRecord tombstone = new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, "dev-1", null, null, 1, T0, TimestampType.CREATE_TIME);
        for (String handling : List.of("ignore", "write", "fail")) {
            LakeHarness h = harness(Map.of(DataLakeSinkConfig.TOMBSTONES_CONFIG, handling));
            LakeWriter writer = h.writer();
            TopicPartition p0 = new TopicPartition("telemetry", 0);
            writer.open(List.of(p0));
            writer.write(List.of(reading(0, 0), tombstone, reading(0, 2)));
            h.time.sleep(h.config.rotateScheduleMs());
            writer.write(List.of());

            assertThat(writer.committedOffsets()).as(handling).containsEntry(p0, 3L);
            List<Map<String, Object>> rows = h.rows();
            assertThat(rows).as(handling).hasSize(handling.equals("write") ? 3 : 2);
            assertThat(rows.stream().filter(row -> row.get("deviceId") == null && Long.valueOf(1).equals(row.get("kafka_offset"))))
                    .as(handling).hasSize(handling.equals("write") ? 1 : 0);
            assertThat(h.failed).as(handling).hasSize(handling.equals("fail") ? 1 : 0);
        }
    }

    @Test
    void tombstonesWithATimeFieldAreWrittenAtTheirRecordTimestamp() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.TOMBSTONES_CONFIG, "write", DataLakeSinkConfig.TIME_FIELD_CONFIG, "ts"));
        LakeWriter writer = h.writer();
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        writer.open(List.of(p0));
        // A tombstone has no value to read 'ts' from: its Kafka timestamp (two hours later) places it.
        SinkRecord tombstone = new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, "dev-1", null, null, 1, T0 + 2 * HOUR,
                TimestampType.CREATE_TIME);
        writer.write(List.of(reading(0, 0), tombstone, reading(0, 2)));
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());

        assertThat(writer.committedOffsets()).containsEntry(p0, 3L);
        assertThat(h.failed).as("sent to the dead letter queue").isEmpty();
        assertThat(h.rows()).hasSize(3);
        assertThat(LakeFiles.rowsOf(h.root().resolve("telemetry/dt=2026-12-01/hour=07/telemetry+0+0000000000000000001.parquet")))
                .singleElement().satisfies(row -> {
                    assertThat(row.get("deviceId")).isNull();
                    assertThat(row.get("kafka_offset")).isEqualTo(1L);
                });
    }

    @Test
    void aDeadLetterNotYetAcknowledgedHoldsTheCommittedOffsetSoARestartReportsItAgain() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}",
                DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10", DataLakeSinkConfig.TOMBSTONES_CONFIG, "fail"));
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        SinkRecord poison = new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, "dev-1", null, null, 5, T0 + 5,
                TimestampType.CREATE_TIME);
        // The dead letter queue's producer never acknowledges: the worker dies before it does.
        List<SinkRecord> unacknowledged = new ArrayList<>();
        LakeWriter first = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), (record, error) -> {
            unacknowledged.add(record);
            return new CompletableFuture<Void>();
        }, Runnable::run);
        first.open(List.of(p0));
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 25; offset++) {
            batch.add(offset == 5 ? poison : reading(0, offset));
        }
        first.write(batch);
        assertThat(unacknowledged).containsExactly(poison);
        assertThat(LakeFiles.dataFiles(h.root())).as("files after it are committed all the same").hasSize(2);

        // A new worker recovers the partition and is fed from where the lake says.
        LakeWriter next = h.writer();
        h.seeks.clear();
        next.open(List.of(p0));
        long from = h.seeks.get(p0);
        List<SinkRecord> replay = new ArrayList<>();
        for (long offset = from; offset < 30; offset++) {
            replay.add(offset == 5 ? poison : reading(0, offset));
        }
        next.write(replay);
        h.time.sleep(h.config.rotateScheduleMs());
        next.write(List.of());
        assertThat(next.committedOffsets()).containsEntry(p0, 30L);

        assertThat(h.failed).as("reported again after the restart (the lake resumed at %d)", from).containsExactly(poison);
        List<Map<String, Object>> rows = h.rows();
        assertThat(rows.stream().map(row -> row.get("kafka_offset")).distinct().count()).isEqualTo(29);
        assertThat(rows).hasSize(29);
    }

    @Test
    void aDeadLetterThatIsNeverAcknowledgedOrFailsFailsTheTaskNamingTheRecordInsteadOfHoldingTheOffsetForEver() {
        LakeHarness h = harness(Map.of(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}",
                DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10", DataLakeSinkConfig.TOMBSTONES_CONFIG, "fail",
                DataLakeSinkConfig.ERRORS_REPORT_TIMEOUT_CONFIG, "60000"));
        TopicPartition p0 = new TopicPartition("telemetry", 0);
        SinkRecord poison = new SinkRecord("telemetry", 0, Schema.STRING_SCHEMA, "dev-1", null, null, 5, T0 + 5,
                TimestampType.CREATE_TIME);
        LakeWriter writer = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store),
                (record, error) -> new CompletableFuture<Void>(), Runnable::run);
        writer.open(List.of(p0));
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = 0; offset < 25; offset++) {
            batch.add(offset == 5 ? poison : reading(0, offset));
        }
        writer.write(batch);
        assertThat(writer.committedOffsets()).as("held below the unacknowledged record").containsEntry(p0, 5L);

        h.time.sleep(60_001);
        assertThatThrownBy(() -> writer.write(List.of(reading(0, 25)))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("telemetry-0@5").hasMessageContaining("not acknowledged")
                .hasMessageContaining(DataLakeSinkConfig.ERRORS_REPORT_TIMEOUT_CONFIG);

        TopicPartition p1 = new TopicPartition("telemetry", 1);
        LakeWriter refused = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store),
                (record, error) -> CompletableFuture.failedFuture(new IllegalStateException("the DLQ topic is gone")), Runnable::run);
        refused.open(List.of(p1));
        refused.write(List.of(new SinkRecord("telemetry", 1, Schema.STRING_SCHEMA, "dev-1", null, null, 0, T0,
                TimestampType.CREATE_TIME)));
        assertThatThrownBy(refused::committedOffsets).isInstanceOf(ConnectException.class)
                .hasMessageContaining("telemetry-1@0").hasMessageContaining("the DLQ topic is gone");
    }

    private static SinkRecord at(int partition, long offset, long ts) {
        return new SinkRecord("telemetry", partition, Schema.STRING_SCHEMA, "d", Readings.SCHEMA, Readings.struct("d", ts, 1.0, 1.0),
                offset, ts, TimestampType.CREATE_TIME);
    }
}
