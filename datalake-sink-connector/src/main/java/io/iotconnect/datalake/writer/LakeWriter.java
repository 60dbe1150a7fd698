package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.client.TopicIds;
import io.iotconnect.datalake.commit.FileCommitter;
import io.iotconnect.datalake.commit.LakeMismatchException;
import io.iotconnect.datalake.commit.WrittenFile;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.config.FileFormat;
import io.iotconnect.datalake.config.SchemalessHandling;
import io.iotconnect.datalake.config.TombstoneHandling;
import io.iotconnect.datalake.format.FormatWriters;
import io.iotconnect.datalake.format.RowSchemas;
import io.iotconnect.datalake.partition.PathTemplate;
import io.iotconnect.datalake.partition.RecordTime;
import io.iotconnect.datalake.storage.ConcurrentUpdateException;
import io.iotconnect.datalake.storage.LakeStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The task's writer: routes each record to the open file of its partition, directory and format, rotates files by
 * count, size, record time and wall clock, keeps at most {@code datalake.open.files.max} files open (committing the
 * oldest at the bound), and commits finished files per partition at the end of every {@code put()}: on a thread of its
 * own, so the task goes on reading while the index is written and the files renamed ({@link #committedOffsets()}, for
 * {@code preCommit}, waits for every finished file).
 *
 * <p>Nothing a record holds can stop the task: a record that cannot be written (no readable time, a field the path
 * needs is not a single value, a value no format can hold) is a failed record, reported to the dead letter queue with
 * the reason or failing the task naming it. A storage failure that the SDK's retries did not overcome drops the
 * partition's open files and reads the partition again from its last commit; only {@code datalake.storage.failures.max}
 * of those in a row fail the task. What the lake holds that does not belong with this task's records (a
 * {@link LakeMismatchException}: another connector's partition, a lost index, a file of the same name with other
 * records, a topic created again) is never retried: it fails the task naming what differs; so does the bound on
 * storage failures. Once failed, every later call throws the same failure.
 */
public final class LakeWriter {

    private static final Logger log = LoggerFactory.getLogger(LakeWriter.class);

    /** What the writer needs from the settings. */
    public record Settings(PathTemplate template, RecordTime recordTime, boolean timeNeeded, FileFormat format,
                           SchemalessHandling schemaless, TombstoneHandling tombstones, int rotateRecords, long rotateBytes,
                           long rotateIntervalMs, long rotateScheduleMs, int openFilesMax, int uploadBufferBytes,
                           String markerName, long markerLatenessMs, int storageFailuresMax, long deadLetterTimeoutMs) {

        public static Settings from(DataLakeSinkConfig config) {
            boolean timeNeeded = config.pathTemplate().usesTime() || config.rotateIntervalMs() > 0
                    || !config.getString(DataLakeSinkConfig.TIME_FIELD_CONFIG).isBlank();
            return new Settings(config.pathTemplate(), config.recordTime(), timeNeeded, config.format(), config.schemaless(),
                    config.tombstones(), config.rotateRecords(), config.rotateBytes(), config.rotateIntervalMs(),
                    config.rotateScheduleMs(), config.openFilesMax(), config.uploadBufferBytes(), config.marker(),
                    config.markerLatenessMs(), config.storageFailuresMax(), config.errorsReportTimeoutMs());
        }
    }

    private final Settings settings;
    private final LakeStore store;
    private final LakeLayout layout;
    private final FileCommitter committer;
    private final FormatWriters formats;
    private final ErrantRecordReporter reporter;
    private final TopicIds topicIds;
    private final Consumer<Map<TopicPartition, Long>> seek;
    private final Time time;
    private final WriterMetrics metrics;
    private final CompletenessMarkers markers;
    private final Map<TopicPartition, PartitionWriter> partitions = new HashMap<>();
    /** Assigned partitions whose recovery failed, with the offset to read from once it succeeds (-1: unknown). */
    private final Map<TopicPartition, Long> unrecovered = new HashMap<>();
    private final Map<Schema, Schema> rowSchemas = new IdentityHashMap<>();
    /**
     * Runs the commits taken at the end of {@code put()}, so that the task goes on reading and encoding while an
     * index is written and files are renamed. One thread: commits of a task run one after the other, as before.
     */
    private final Executor commits;
    /** The thread behind {@link #commits} when this writer made it, shut down by {@link #stop()}. */
    private final ExecutorService commitThread;
    /** The commit running per partition, with what it will answer. */
    private final Map<TopicPartition, Running> running = new HashMap<>();
    private long fileSequence;
    private int storageFailuresInARow;
    /**
     * What failed the task: every later call throws it again, since Connect carries on after a preCommit that threw
     * (it only rewinds), and a partition left half-restarted must not be written on.
     */
    private ConnectException failure;
    private String lastDirectory;
    private FileFormat lastFormat;
    private String lastKey;

    public LakeWriter(Settings settings, LakeStore store, LakeLayout layout, FileCommitter committer, FormatWriters formats,
                      ErrantRecordReporter reporter, TopicIds topicIds, Consumer<Map<TopicPartition, Long>> seek, Time time,
                      java.util.function.Function<java.util.function.IntSupplier, WriterMetrics> metrics) {
        this(settings, store, layout, committer, formats, reporter, topicIds, seek, time, metrics, null);
    }

    /**
     * A writer whose commits run on {@code commits}; null gives it a thread of its own. {@code Runnable::run} runs
     * them on the task's thread at the end of {@code put()}, as tests that crash at chosen steps need.
     */
    LakeWriter(Settings settings, LakeStore store, LakeLayout layout, FileCommitter committer, FormatWriters formats,
               ErrantRecordReporter reporter, TopicIds topicIds, Consumer<Map<TopicPartition, Long>> seek, Time time,
               java.util.function.Function<java.util.function.IntSupplier, WriterMetrics> metrics, Executor commits) {
        this.settings = settings;
        this.store = store;
        this.layout = layout;
        this.committer = committer;
        this.formats = formats;
        this.reporter = reporter;
        this.topicIds = topicIds;
        this.seek = seek;
        this.time = time;
        this.metrics = metrics.apply(this::openFiles);
        this.markers = CompletenessMarkers.applicable(settings.template(), settings.markerName())
                ? new CompletenessMarkers(store, layout, settings.template(), settings.markerName(), settings.markerLatenessMs())
                : null;
        this.commitThread = commits != null ? null : Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "datalake-commit-" + COMMIT_THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.commits = commits != null ? commits : commitThread;
    }

    private static final AtomicInteger COMMIT_THREADS = new AtomicInteger();

    /** A commit submitted to {@link #commits}: what it commits, and the new index's ETag once it is done. */
    private record Running(PartitionWriter.Commit commit, CompletableFuture<String> etag) {
    }

    /**
     * Recovers newly assigned partitions from the lake and seeks each to its committed offset. A partition whose
     * recovery fails is recovered with its first records instead (which are then read again from the right offset).
     */
    public void open(Collection<TopicPartition> assigned) {
        throwIfFailed();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> seeks = new HashMap<>();
        Map<String, String> ids;
        try {
            // One look-up for the whole assignment; a partition whose topic is missing looks its own up as it recovers.
            ids = topicIds.of(assigned.stream().map(TopicPartition::topic).distinct().toList());
        } catch (RuntimeException e) {
            // One failure, however many partitions: each is recovered with its first records, looking its topic up then.
            storageFailure(assigned.iterator().next(), e);
            assigned.forEach(partition -> unrecovered.put(partition, -1L));
            log.warn("{}: cannot read the topics' ids ({}); recovering each partition with its first records", assigned,
                    describe(e));
            return;
        }
        for (TopicPartition partition : assigned) {
            unrecovered.remove(partition);
            recover(partition, -1, seeks, ids);
        }
        if (!seeks.isEmpty()) {
            seek.accept(seeks);
        }
    }

    /**
     * Recovers a partition; on success adds the offset to read from to {@code seeks} (the lake's committed offset, or
     * {@code fallback} when the lake has none and it is known).
     */
    private boolean recover(TopicPartition partition, long fallback, Map<TopicPartition, Long> seeks, Map<String, String> ids) {
        long start = time.nanoseconds();
        PartitionWriter writer = new PartitionWriter(partition, store, layout, committer, formats, settings.uploadBufferBytes());
        Optional<Long> offset;
        try {
            String topicId = ids.containsKey(partition.topic()) ? ids.get(partition.topic())
                    : topicIds.of(List.of(partition.topic())).get(partition.topic());
            offset = writer.recover(topicId);
        } catch (LakeMismatchException e) {
            throw failTask(e);
        } catch (RuntimeException e) {
            storageFailure(partition, e);
            unrecovered.put(partition, fallback);
            log.warn("{}: recovery from the lake failed ({}); trying again with its next records", partition, describe(e));
            return false;
        }
        partitions.put(partition, writer);
        unrecovered.remove(partition);
        long from = offset.orElse(fallback);
        if (from >= 0) {
            seeks.put(partition, from);
        }
        metrics.recovery(time.nanoseconds() - start);
        log.info("{}: recovered from the lake, reading from {}", partition, from >= 0 ? String.valueOf(from)
                : "the consumer group's offset (nothing committed yet)");
        return true;
    }

    /** Drops revoked partitions' open files: their records are read again by the next owner, from the last commit. */
    public void close(Collection<TopicPartition> revoked) {
        for (TopicPartition partition : revoked) {
            unrecovered.remove(partition);
            PartitionWriter writer = partitions.remove(partition);
            if (writer != null) {
                // A commit that is running finishes first, so the partition's next owner does not race it.
                awaitQuietly(writer);
                writer.abort();
            }
        }
    }

    public void stop() {
        close(new ArrayList<>(partitions.keySet()));
        if (commitThread != null) {
            commitThread.shutdownNow();
        }
    }

    public void write(Collection<SinkRecord> records) {
        throwIfFailed();
        checkDeadLetters();
        // Partitions recovered during this call: the rest of their records in the batch are read again after the seek.
        Map<TopicPartition, Long> seeks = new HashMap<>();
        Set<TopicPartition> rewinding = new HashSet<>();
        for (SinkRecord record : records) {
            TopicPartition partition = new TopicPartition(record.topic(), record.kafkaPartition());
            if (rewinding.contains(partition)) {
                continue;
            }
            PartitionWriter writer = partitions.get(partition);
            if (writer == null) {
                long fallback = unrecovered.getOrDefault(partition, -1L);
                if (!recover(partition, fallback >= 0 ? fallback : record.kafkaOffset(), seeks, Map.of())
                        || seeks.containsKey(partition)) {
                    rewinding.add(partition);
                    continue;
                }
                writer = partitions.get(partition);
            }
            try {
                write(writer, record);
            } catch (DataException e) {
                failed(writer, record, e);
            } catch (ConcurrentUpdateException e) {
                restart(writer, e, false, seeks);
                rewinding.add(partition);
            } catch (IOException | RuntimeException e) {
                restart(writer, e, true, seeks);
                rewinding.add(partition);
            }
        }
        long now = time.milliseconds();
        for (PartitionWriter writer : new ArrayList<>(partitions.values())) {
            if (rewinding.contains(writer.partition())) {
                continue;
            }
            try {
                for (OpenFile file : new ArrayList<>(writer.openFiles())) {
                    if (now - file.openedAtMillis >= settings.rotateScheduleMs()) {
                        writer.finish(file);
                    }
                }
                collect(writer, false);
                startCommit(writer);
            } catch (ConcurrentUpdateException e) {
                restart(writer, e, false, seeks);
            } catch (IOException | RuntimeException e) {
                restart(writer, e, true, seeks);
            }
        }
        if (!seeks.isEmpty()) {
            seek.accept(seeks);
        }
        checkMarkers(now, false);
    }

    private void write(PartitionWriter writer, SinkRecord record) throws IOException {
        writer.checkOffset(record.kafkaOffset());
        long recordTime = Long.MIN_VALUE;
        if (record.value() == null) {
            switch (settings.tombstones()) {
                case IGNORE -> {
                    writer.seen(record.kafkaOffset(), recordTime);
                    return;
                }
                case FAIL -> throw new DataException("the record is a tombstone (null value) and " + DataLakeSinkConfig.TOMBSTONES_CONFIG + "=fail");
                default -> {
                }
            }
        }
        if (settings.timeNeeded()) {
            recordTime = settings.recordTime().of(record);
        } else if (record.timestamp() != null) {
            recordTime = record.timestamp();
        }
        String directory = settings.template().render(record, recordTime);
        FileFormat format = formatOf(record);
        String key = keyOf(directory, format);
        if (writer.isCommitted(key, record.kafkaOffset())) {
            writer.seen(record.kafkaOffset(), recordTime);
            metrics.skipped();
            return;
        }
        Schema rowSchema = format == FileFormat.JSON ? null : rowSchemaOf(record);
        OpenFile file = writer.fileFor(key, rowSchema);
        if (file != null && rotationDue(file, recordTime)) {
            writer.finish(file);
            file = null;
        }
        if (file == null) {
            Schema schema = writer.schemaForNewFile(key, rowSchema);
            OpenFile current = writer.openFiles().stream().filter(f -> f.key.equals(key)).findFirst().orElse(null);
            if (current != null) {
                // The record's schema does not fit the open file: that file is done, a new one holds both.
                writer.finish(current);
            } else {
                makeRoom();
            }
            file = writer.openFile(key, directory, format, schema, time.milliseconds(), ++fileSequence);
        }
        writer.write(file, record, recordTime);
        if (file.records >= settings.rotateRecords() || file.writer.bytes() >= settings.rotateBytes()) {
            // Full: committed at the end of this put(), not when the next record of its directory comes.
            writer.finish(file);
        }
    }

    /** The open-file key of a directory and format; the last one is kept, since records of a directory come in runs. */
    private String keyOf(String directory, FileFormat format) {
        if (format != lastFormat || !directory.equals(lastDirectory)) {
            lastKey = directory + "|" + format.extension();
            lastDirectory = directory;
            lastFormat = format;
        }
        return lastKey;
    }

    private FileFormat formatOf(SinkRecord record) {
        if (settings.format() != FileFormat.JSON && record.valueSchema() == null && record.value() != null
                && settings.schemaless() == SchemalessHandling.JSON) {
            return FileFormat.JSON;
        }
        return settings.format();
    }

    private Schema rowSchemaOf(SinkRecord record) {
        Schema valueSchema = record.valueSchema();
        if (valueSchema == null) {
            return RowSchemas.rowSchemaOf(null, record.value());
        }
        Schema rowSchema = rowSchemas.get(valueSchema);
        if (rowSchema == null) {
            if (rowSchemas.size() >= 1_000) {
                rowSchemas.clear();
            }
            rowSchema = RowSchemas.rowSchemaOf(valueSchema, record.value());
            rowSchemas.put(valueSchema, rowSchema);
        }
        return rowSchema;
    }

    private boolean rotationDue(OpenFile file, long recordTime) {
        return settings.rotateIntervalMs() > 0 && recordTime != Long.MIN_VALUE && file.records > 0
                && recordTime - file.minTime >= settings.rotateIntervalMs();
    }

    /** At the open-files bound, finishes the oldest open file of the task (it is committed at the end of put()). */
    private void makeRoom() throws IOException {
        while (openFiles() >= settings.openFilesMax()) {
            OpenFile oldest = null;
            PartitionWriter owner = null;
            for (PartitionWriter writer : partitions.values()) {
                for (OpenFile file : writer.openFiles()) {
                    if (oldest == null || file.sequence < oldest.sequence) {
                        oldest = file;
                        owner = writer;
                    }
                }
            }
            if (oldest == null) {
                return;
            }
            owner.finish(oldest);
        }
    }

    /** Submits a commit of the writer's finished files, unless it has none or one of its commits is running. */
    private void startCommit(PartitionWriter writer) {
        PartitionWriter.Commit commit = writer.takeCommit(markers == null ? null
                : file -> markers.bucketOf(writer.partition().topic(), file));
        if (commit == null) {
            return;
        }
        running.put(writer.partition(), new Running(commit, CompletableFuture.supplyAsync(() -> {
            long start = time.nanoseconds();
            String etag = commit.run();
            metrics.commit(time.nanoseconds() - start);
            for (WrittenFile file : commit.files()) {
                metrics.committed(file.records(), file.bytes());
            }
            log.debug("{}: committed {} files", writer.partition(), commit.files().size());
            return etag;
        }, commits)));
        // Already done when it ran on this thread (or was quick): its outcome is taken now, a failure thrown now.
        collect(writer, false);
    }

    /**
     * Takes the outcome of the writer's running commit, if it is done (or, with {@code wait}, once it is): the writer
     * adopts the index it wrote, or the commit's failure is thrown.
     */
    private void collect(PartitionWriter writer, boolean wait) {
        Running commit = running.get(writer.partition());
        if (commit == null || commit.commit().writer() != writer || (!wait && !commit.etag().isDone())) {
            return;
        }
        String etag;
        try {
            etag = commit.etag().get();
        } catch (InterruptedException e) {
            // Still running: it stays registered, so the restart this leads to waits for it before recovering.
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while " + writer.partition() + " was committing", e);
        } catch (ExecutionException e) {
            running.remove(writer.partition());
            throw rethrown(e.getCause());
        }
        running.remove(writer.partition());
        writer.completed(commit.commit(), etag);
        storageFailuresInARow = 0;
    }

    private static RuntimeException rethrown(Throwable cause) {
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof RuntimeException runtime ? runtime : new ConnectException(cause);
    }

    /** Waits for the writer's running commit, if any, whatever its outcome: the lake's index tells what it did. */
    private void awaitQuietly(PartitionWriter writer) {
        Running commit = running.get(writer.partition());
        if (commit == null || commit.commit().writer() != writer) {
            return;
        }
        running.remove(writer.partition());
        try {
            // Not interruptible: recovering the partition while its last commit still runs would race it.
            commit.etag().join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof Error error) {
                throw error;
            }
            log.warn("{}: the commit running when its files were dropped failed ({}); the next recovery of the partition "
                    + "repairs it from the lake's index", writer.partition(), describe(cause));
        }
    }

    private void checkMarkers(long now, boolean force) {
        if (markers == null) {
            return;
        }
        Map<String, List<PartitionWriter>> byTopic = new LinkedHashMap<>();
        for (PartitionWriter writer : partitions.values()) {
            byTopic.computeIfAbsent(writer.partition().topic(), topic -> new ArrayList<>()).add(writer);
        }
        byTopic.forEach((topic, writers) -> {
            try {
                markers.check(topic, writers, now, force);
            } catch (RuntimeException e) {
                // Markers are written on a later check; the data is committed either way.
                log.warn("Could not check the completeness markers of {}: {}", topic, e.toString());
            }
        });
    }

    /**
     * Commits everything finished and returns, per partition, the offset below which every record is in the lake:
     * the only offsets Connect may commit to Kafka.
     */
    public Map<TopicPartition, Long> committedOffsets() {
        try {
            throwIfFailed();
            checkDeadLetters();
            return commitAll();
        } catch (RuntimeException e) {
            // Connect rewinds every partition to the offsets it last committed when preCommit fails.
            partitions.values().forEach(PartitionWriter::expectRewind);
            throw e;
        }
    }

    private Map<TopicPartition, Long> commitAll() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        Map<TopicPartition, Long> seeks = new HashMap<>();
        for (PartitionWriter writer : new ArrayList<>(partitions.values())) {
            try {
                // Everything finished is committed before this returns: the running commit, then the rest.
                collect(writer, true);
                startCommit(writer);
                collect(writer, true);
            } catch (ConcurrentUpdateException e) {
                restart(writer, e, false, seeks);
                continue;
            } catch (RuntimeException e) {
                restart(writer, e, true, seeks);
                continue;
            }
            if (writer.committedOffset() >= 0) {
                offsets.put(writer.partition(), writer.committedOffset());
            }
        }
        if (!seeks.isEmpty()) {
            seek.accept(seeks);
        }
        return offsets;
    }

    private void failed(PartitionWriter writer, SinkRecord record, DataException e) {
        String where = record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
        metrics.failed();
        writer.seen(record.kafkaOffset(), Long.MIN_VALUE);
        if (reporter == null) {
            throw new ConnectException("record " + where + " cannot be written to the lake: " + e.getMessage()
                    + " (configure a dead letter queue with errors.tolerance=all and errors.deadletterqueue.topic.name to "
                    + "route such records and carry on)", e);
        }
        log.debug("Record {} goes to the dead letter queue: {}", where, e.getMessage());
        writer.deadLetterSent(record.kafkaOffset(), reporter.report(record, new DataException(where + ": " + e.getMessage(), e)),
                time.milliseconds());
    }

    /** Fails the task on a dead letter that could not be sent, or that waited too long for its acknowledgement. */
    private void checkDeadLetters() {
        long now = time.milliseconds();
        for (PartitionWriter writer : partitions.values()) {
            writer.checkDeadLetters(now, settings.deadLetterTimeoutMs());
        }
    }

    private <E extends ConnectException> E failTask(E e) {
        failure = e;
        return e;
    }

    private void throwIfFailed() {
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Drops a partition's open files after a storage failure (or after another task changed its index) and recovers
     * it, so that it is read again from its last commit: nothing it had taken is lost.
     */
    private void restart(PartitionWriter writer, Exception e, boolean storageFailure, Map<TopicPartition, Long> seeks) {
        if (e instanceof LakeMismatchException lakeMismatch) {
            throw failTask(lakeMismatch);
        }
        TopicPartition partition = writer.partition();
        long resume = writer.resumeOffset();
        if (storageFailure) {
            storageFailure(partition, e);
            log.warn("{}: a write to the lake failed after every try ({}); dropping its open files and reading it again "
                    + "from its last commit ({} of {} in a row)", partition, describe(e), storageFailuresInARow,
                    settings.storageFailuresMax());
        } else {
            log.warn("{}: {}; dropping its open files and recovering it from the lake", partition, e.getMessage());
        }
        awaitQuietly(writer);
        writer.abort();
        partitions.remove(partition);
        recover(partition, resume, seeks, Map.of());
    }

    /** Counts a storage failure; fails the task at {@code datalake.storage.failures.max} in a row. */
    private void storageFailure(TopicPartition partition, Exception e) {
        metrics.storageFailure();
        storageFailuresInARow++;
        if (storageFailuresInARow >= settings.storageFailuresMax()) {
            throw failTask(new ConnectException("the lake refused " + storageFailuresInARow + " writes in a row ("
                    + DataLakeSinkConfig.STORAGE_FAILURES_MAX_CONFIG + "); last, for " + partition + ": " + describe(e), e));
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    public int openFiles() {
        int open = 0;
        for (PartitionWriter writer : partitions.values()) {
            open += writer.openFiles().size();
        }
        return open;
    }

    /** Runs the marker check now (tests). */
    void checkMarkersNow() {
        checkMarkers(time.milliseconds(), true);
    }
}
