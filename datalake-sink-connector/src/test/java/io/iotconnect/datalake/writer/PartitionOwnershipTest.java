package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.commit.FileCommitter;
import io.iotconnect.datalake.commit.RenameCommitter;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.Readings;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may write a lake partition, and what a file's name proves: a lost index, a renamed connector, a second connector
 * on the same directory, a topic deleted and created again, and two tasks that both believe they own a partition.
 * Each ends with every record in the lake once, or with a task that fails naming what does not match; never with
 * records silently lost or doubled.
 */
class PartitionOwnershipTest {

    private static final TopicPartition P0 = new TopicPartition("telemetry", 0);
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

    private static LakeHarness harness() {
        return new LakeHarness(lake, "owners-" + (++fileSystems), Map.of(
                DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}",
                DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "10"));
    }

    private static SinkRecord reading(String device, long offset) {
        long ts = LakeHarness.T0 + offset;
        return new SinkRecord(P0.topic(), P0.partition(), Schema.STRING_SCHEMA, device, Readings.SCHEMA,
                Readings.struct(device, ts, 20.0, 40.0), offset, ts, TimestampType.CREATE_TIME);
    }

    private static List<SinkRecord> readings(long from, long to) {
        return readings("dev", from, to);
    }

    private static List<SinkRecord> readings(String device, long from, long to) {
        List<SinkRecord> batch = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            batch.add(reading(device, offset));
        }
        return batch;
    }

    /**
     * Connector {@code lake-test} commits offsets 0 to 24 of telemetry-0, with a file cut short by the wall clock so that
     * a replay from another offset makes files of other extents: +0 (0-9), +10 (10-14), +15 (15-24); 25-29 stay open.
     */
    private static LakeWriter firstOwner(LakeHarness h, String connector) {
        LakeWriter writer = h.writer(connector, new RenameCommitter(h.store), h.recordingReporter(), Runnable::run);
        writer.open(List.of(P0));
        writer.write(readings(0, 15));
        h.time.sleep(h.config.rotateScheduleMs());
        writer.write(List.of());
        writer.write(readings(15, 30));
        assertThat(writer.committedOffsets()).containsEntry(P0, 25L);
        return writer;
    }

    /** Feeds {@code writer} from {@code from} to {@code to}, commits everything, and returns the failure, if any. */
    private static ConnectException replay(LakeHarness h, LakeWriter writer, long from, long to) {
        try {
            writer.write(readings(from, to));
            h.time.sleep(h.config.rotateScheduleMs());
            writer.write(List.of());
            writer.committedOffsets();
            return null;
        } catch (ConnectException e) {
            return e;
        }
    }

    private static long distinctOffsets(List<Map<String, Object>> rows) {
        return rows.stream().map(row -> row.get("kafka_offset")).distinct().count();
    }

    private static void deleteTree(Path top) throws Exception {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void aDeletedIndexFailsThePartitionInsteadOfDoublingWhatTheLakeHolds() throws Exception {
        LakeHarness h = harness();
        firstOwner(h, LakeHarness.CONNECTOR);
        // The worker dies; someone deletes the partition's index; Connect's consumer group had committed offset 10.
        Files.delete(h.root().resolve("_index/lake-test/telemetry/0.json"));

        LakeWriter next = h.writer();
        h.seeks.clear();
        ConnectException failure;
        try {
            next.open(List.of(P0));
            failure = replay(h, next, h.seeks.getOrDefault(P0, 10L), 40);
        } catch (ConnectException e) {
            failure = e;
        }

        List<Map<String, Object>> rows = h.rows();
        assertThat(rows).as("rows (distinct offsets: %d)", distinctOffsets(rows)).hasSize((int) distinctOffsets(rows));
        assertThat(failure).as("the lost index is named").isNotNull();
        assertThat(failure.getMessage()).contains("_index/lake-test/telemetry/0.json").contains("telemetry-0")
                .doesNotContain("delete it");
        assertThat(distinctOffsets(rows)).isEqualTo(25);
    }

    @Test
    void withEveryStateFileGoneAFileOfTheSameNameButOtherRecordsFailsTheCommitNamingWhatDiffers() throws Exception {
        LakeHarness h = harness();
        firstOwner(h, LakeHarness.CONNECTOR);
        deleteTree(h.root().resolve("_index"));
        if (Files.exists(h.root().resolve("_owners"))) {
            deleteTree(h.root().resolve("_owners"));
        }

        LakeWriter next = h.writer();
        h.seeks.clear();
        next.open(List.of(P0));
        assertThat(h.seeks).as("nothing tells where the lake stops").isEmpty();
        ConnectException failure = replay(h, next, 10, 40);

        List<Map<String, Object>> rows = h.rows();
        assertThat(rows).as("rows (distinct offsets: %d)", distinctOffsets(rows)).hasSize((int) distinctOffsets(rows));
        assertThat(distinctOffsets(rows)).isEqualTo(25);
        assertThat(failure).as("the replayed file +10 holds 10-19, the lake's 10-14").isNotNull();
        assertThat(failure.getMessage()).contains("telemetry/telemetry+0+0000000000000000010.parquet")
                .contains("end offset").contains("19").contains("14");
        // It stays failed: the next start finds the same file and says so again, instead of taking it as committed.
        LakeWriter again = h.writer();
        assertThatThrownBy(() -> again.open(List.of(P0))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("telemetry+0+0000000000000000010.parquet");
        assertThat(h.rows()).hasSize(25);
    }

    @Test
    void aRenamedConnectorFailsNamingTheConnectorThatWroteThePartitionAndGoesOnOnceItsStateIsMoved() throws Exception {
        LakeHarness h = harness();
        firstOwner(h, "lake-a");

        // Renamed: a new consumer group, which starts from the earliest offset; no index of its own in the lake.
        LakeWriter renamed = h.writer("lake-b", new RenameCommitter(h.store), h.recordingReporter(), Runnable::run);
        h.seeks.clear();
        ConnectException failure;
        try {
            renamed.open(List.of(P0));
            failure = replay(h, renamed, h.seeks.getOrDefault(P0, 0L), 40);
        } catch (ConnectException e) {
            failure = e;
        }

        List<Map<String, Object>> rows = h.rows();
        assertThat(rows).as("rows (distinct offsets: %d)", distinctOffsets(rows)).hasSize((int) distinctOffsets(rows));
        assertThat(distinctOffsets(rows)).isEqualTo(25);
        assertThat(failure).as("the renamed connector is refused").isNotNull();
        assertThat(failure.getMessage()).contains("lake-a").contains("lake-b").contains("telemetry-0")
                .contains("_owners/telemetry/0.json");

        // Done as the message says: the renamed connector goes on where the old name stopped, nothing lost or doubled.
        Path root = h.root();
        Files.move(root.resolve("_index/lake-a"), root.resolve("_index/lake-b"));
        deleteTree(root.resolve("_owners/telemetry"));
        LakeWriter resumed = h.writer("lake-b", new RenameCommitter(h.store), h.recordingReporter(), Runnable::run);
        h.seeks.clear();
        resumed.open(List.of(P0));
        assertThat(h.seeks).containsEntry(P0, 25L);
        assertThat(replay(h, resumed, 25, 40)).isNull();
        rows = h.rows();
        assertThat(distinctOffsets(rows)).isEqualTo(40);
        assertThat(rows).hasSize(40);
        assertThat(Files.readString(root.resolve("_owners/telemetry/0.json"))).contains("lake-b");
    }

    @Test
    void aSecondConnectorOnTheSameDirectoryFailsAndTheFirstCarriesOn() {
        LakeHarness h = harness();
        LakeWriter first = firstOwner(h, "lake-a");

        // A second connector on the same topic and directory, starting from the latest offset: no file name in common.
        LakeWriter second = h.writer("lake-b", new RenameCommitter(h.store), h.recordingReporter(), Runnable::run);
        ConnectException failure;
        try {
            second.open(List.of(P0));
            failure = replay(h, second, 27, 47);
        } catch (ConnectException e) {
            failure = e;
        }
        assertThat(replay(h, first, 30, 47)).isNull();

        List<Map<String, Object>> rows = h.rows();
        assertThat(rows).as("rows (distinct offsets: %d)", distinctOffsets(rows)).hasSize((int) distinctOffsets(rows));
        assertThat(distinctOffsets(rows)).isEqualTo(47);
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).contains("lake-a").contains("lake-b");
    }

    @Test
    void aTopicCreatedAgainWithFewerRecordsFailsInsteadOfSkippingThem() {
        LakeHarness h = harness();
        firstOwner(h, LakeHarness.CONNECTOR);

        // The topic is deleted and created again; its 10 new records are below the lake's committed offset (25), so the
        // seek to 25 is out of range and the consumer starts again at 0.
        LakeWriter next = h.writer();
        h.seeks.clear();
        next.open(List.of(P0));
        assertThat(h.seeks).containsEntry(P0, 25L);
        ConnectException failure;
        try {
            next.write(readings("reborn", 0, 10));
            h.time.sleep(h.config.rotateScheduleMs());
            next.write(List.of());
            next.committedOffsets();
            failure = null;
        } catch (ConnectException e) {
            failure = e;
        }

        long reborn = h.rows().stream().filter(row -> "reborn".equals(row.get("deviceId"))).count();
        assertThat(failure).as("the new topic's records are not silently taken as committed (%d of 10 in the lake)", reborn)
                .isNotNull();
        assertThat(failure.getMessage()).contains("telemetry-0").contains("offset 0").contains("25")
                .contains("created again");
    }

    @Test
    void withTopicIdsATopicCreatedAgainIsRefusedWhateverItsSize() {
        LakeHarness h = harness();
        LakeWriter first = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), h.recordingReporter(),
                topics -> Map.of("telemetry", "id-1"), Runnable::run);
        first.open(List.of(P0));
        first.write(readings(0, 30));
        assertThat(first.committedOffsets()).containsEntry(P0, 30L);
        assertThat(h.store.metadata("topics/telemetry/telemetry+0+0000000000000000000.parquet").orElseThrow())
                .containsEntry("topic_id", "id-1").containsEntry("connector", "lake-test").containsEntry("start_offset", "0")
                .containsEntry("end_offset", "9").containsEntry("records", "10");

        // Deleted and created again, and 40 records long already: the seek to 30 would succeed and 0-29 be skipped.
        LakeWriter next = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), h.recordingReporter(),
                topics -> Map.of("telemetry", "id-2"), Runnable::run);
        assertThatThrownBy(() -> next.open(List.of(P0))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("id-1").hasMessageContaining("id-2").hasMessageContaining("created again")
                .hasMessageContaining("_owners/telemetry/0.json");
        // The claim is checked first; without it, the index says the same.
        h.store.deleteIfExists("topics/_owners/telemetry/0.json");
        LakeWriter again = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), h.recordingReporter(),
                topics -> Map.of("telemetry", "id-2"), Runnable::run);
        assertThatThrownBy(() -> again.open(List.of(P0))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("id-1").hasMessageContaining("id-2")
                .hasMessageContaining("_index/lake-test/telemetry/0.json, which counts 30 records as committed");
        assertThatThrownBy(() -> again.write(readings(30, 31))).as("and stays failed").isInstanceOf(ConnectException.class);
    }

    /** Commits held back until the test lets them run: a task paused (a GC pause, a network partition) mid-commit. */
    private static final class HeldCommits implements Executor {
        private final Queue<Runnable> held = new ArrayDeque<>();

        @Override
        public void execute(Runnable command) {
            held.add(command);
        }

        void resume() {
            while (!held.isEmpty()) {
                held.poll().run();
            }
        }
    }

    /**
     * Drives a writer from {@code from} to {@code to} in batches as Connect would, following the seeks it asks for, and
     * returns where it stands.
     */
    private static long drive(LakeHarness h, LakeWriter writer, long from, long to, int batch) {
        long position = from;
        while (position < to) {
            long end = Math.min(to, position + batch);
            h.seeks.clear();
            writer.write(readings(position, end));
            position = h.seeks.getOrDefault(P0, end);
        }
        return position;
    }

    @Test
    void anOwnerPausedBeforeItsIndexWriteLosesThePartitionAndTheNewOwnerWins() {
        LakeHarness h = harness();
        int produced = 200;
        HeldCommits oldCommits = new HeldCommits();
        LakeWriter old = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), h.recordingReporter(), oldCommits);
        old.open(List.of(P0));
        old.write(readings(0, 35));
        oldCommits.resume();
        // Its next commit (files 30-39 and 40-49) is taken, then the task stops: its index write has not been sent.
        old.write(readings(35, 55));

        LakeWriter current = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), h.recordingReporter(), Runnable::run);
        h.seeks.clear();
        current.open(List.of(P0));
        long position = drive(h, current, h.seeks.get(P0), 120, 25);

        // The old owner wakes up: its commit is refused (the index is not the version it last wrote), and the records it
        // had fetched before the pause make it drop its files and read the partition again...
        oldCommits.resume();
        h.seeks.clear();
        old.write(readings(55, 75));
        assertThat(h.seeks).as("the old owner dropped its files and recovered").containsKey(P0);
        // ...until Connect, whose group moved on without it, takes the partition away.
        old.close(List.of(P0));
        oldCommits.resume();

        position = drive(h, current, position, produced, 25);
        h.time.sleep(h.config.rotateScheduleMs());
        h.seeks.clear();
        current.write(List.of());
        if (h.seeks.containsKey(P0)) {
            drive(h, current, h.seeks.get(P0), produced, 25);
            h.time.sleep(h.config.rotateScheduleMs());
            current.write(List.of());
        }
        assertThat(current.committedOffsets()).containsEntry(P0, (long) produced);

        List<Map<String, Object>> rows = h.rows();
        assertThat(distinctOffsets(rows)).as("distinct").isEqualTo(produced);
        assertThat(rows).as("total").hasSize(produced);
    }

    @Test
    void anOwnerPausedBetweenItsIndexWriteAndItsRenamesLosesThePartitionAndTheNewOwnerWins() throws Exception {
        LakeHarness h = harness();
        int produced = 200;
        CountDownLatch paused = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        FileCommitter renames = new RenameCommitter(h.store);
        // The old owner's second commit stops after its index write, before its renames.
        int[] commits = {0};
        FileCommitter pausing = files -> {
            if (++commits[0] == 2) {
                paused.countDown();
                try {
                    resume.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            renames.commit(files);
        };
        LakeWriter old = h.writer(LakeHarness.CONNECTOR, pausing, h.recordingReporter(), null);
        old.open(List.of(P0));
        old.write(readings(0, 35));
        assertThat(old.committedOffsets()).containsEntry(P0, 30L);
        old.write(readings(35, 55));
        assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();

        // The new owner recovers: it renames what the old owner's index names, and fences it off.
        LakeWriter current = h.writer(LakeHarness.CONNECTOR, new RenameCommitter(h.store), h.recordingReporter(), Runnable::run);
        h.seeks.clear();
        current.open(List.of(P0));
        assertThat(h.seeks).containsEntry(P0, 50L);
        long position = drive(h, current, 50, 120, 25);

        // The old owner wakes up and renames files the new owner renamed already: the same files, so that is no error.
        resume.countDown();
        h.seeks.clear();
        old.write(readings(55, 75));
        old.committedOffsets();
        assertThat(h.seeks).as("its next commit was refused: it dropped its files").containsKey(P0);
        old.close(List.of(P0));
        old.stop();

        position = drive(h, current, position, produced, 25);
        h.time.sleep(h.config.rotateScheduleMs());
        h.seeks.clear();
        current.write(List.of());
        if (h.seeks.containsKey(P0)) {
            drive(h, current, h.seeks.get(P0), produced, 25);
            h.time.sleep(h.config.rotateScheduleMs());
            current.write(List.of());
        }
        assertThat(current.committedOffsets()).containsEntry(P0, (long) produced);

        List<Map<String, Object>> rows = h.rows();
        assertThat(distinctOffsets(rows)).as("distinct").isEqualTo(produced);
        assertThat(rows).as("total").hasSize(produced);
        assertThat(LakeFilesUnder.temporary(h.root())).isEmpty();
    }

    /** What is left in the connector's temporary directory. */
    private static final class LakeFilesUnder {
        static List<Path> temporary(Path root) throws Exception {
            Path tmp = root.resolve("_tmp");
            if (!Files.isDirectory(tmp)) {
                return List.of();
            }
            try (Stream<Path> files = Files.walk(tmp)) {
                return files.filter(Files::isRegularFile).toList();
            }
        }
    }
}
