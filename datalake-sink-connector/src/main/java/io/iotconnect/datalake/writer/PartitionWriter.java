package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.commit.FileCommitter;
import io.iotconnect.datalake.commit.FileIdentity;
import io.iotconnect.datalake.commit.LakeMismatchException;
import io.iotconnect.datalake.commit.PartitionIdentity;
import io.iotconnect.datalake.commit.PartitionIndex;
import io.iotconnect.datalake.commit.WrittenFile;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.config.FileFormat;
import io.iotconnect.datalake.format.FormatWriter;
import io.iotconnect.datalake.format.FormatWriters;
import io.iotconnect.datalake.format.RowSchemas;
import io.iotconnect.datalake.storage.ConcurrentUpdateException;
import io.iotconnect.datalake.storage.LakeOutputStream;
import io.iotconnect.datalake.storage.LakeStore;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;

/**
 * The files of one Kafka partition: open files per directory and format, and the commit protocol over the
 * partition's {@link PartitionIndex}.
 *
 * <p>A commit finishes files (their data complete but invisible at a temporary path), writes the new index naming
 * them as pending (atomically, and only if the index is still the version this task last wrote, so a task that lost
 * the partition cannot overwrite its successor's), then lets the {@link FileCommitter} make them visible. The index
 * and the renames of a commit may run off the task's thread ({@link Commit}); one commit per partition runs at a time. A crash
 * before the index write leaves temporary files that recovery deletes and records that are read again; a crash after
 * it leaves pending files that recovery commits. Either way no record is lost or written twice.
 *
 * <p>What the lake holds is checked before it is trusted: recovery refuses a partition that is not this connector's to
 * continue ({@link PartitionOwnership}); every file carries its identity ({@link FileIdentity}) from before the index
 * names it, so that a file of the same name is taken as committed only when it holds the same records; and a record
 * below the committed offset that no rewind explains (a topic created again with fewer records) fails the task
 * instead of being skipped as committed. The committed offset never passes a record whose dead letter is not
 * acknowledged yet ({@link DeadLetters}).
 */
final class PartitionWriter {

    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);

    private final TopicPartition partition;
    private final LakeStore store;
    private final LakeLayout layout;
    private final FileCommitter committer;
    private final FormatWriters formats;
    private final int uploadBufferBytes;
    private final PartitionOwnership ownership;
    private final DeadLetters deadLetters;
    private final Map<String, OpenFile> open = new LinkedHashMap<>();
    private final List<WrittenFile> finished = new ArrayList<>();
    private PartitionIndex index;
    private String indexEtag;
    /** Connect rewound the partition to its own last committed offset: records below the lake's are replays. */
    private boolean rewound;
    private long lastOffset = -1;
    private long firstOffset = -1;
    private long maxTime = Long.MIN_VALUE;
    /** The commit taken and not yet {@link #completed}: at most one per partition, each building on the last. */
    private Commit running;

    PartitionWriter(TopicPartition partition, LakeStore store, LakeLayout layout, FileCommitter committer, FormatWriters formats,
                    int uploadBufferBytes) {
        this.partition = partition;
        this.store = store;
        this.layout = layout;
        this.committer = committer;
        this.formats = formats;
        this.uploadBufferBytes = uploadBufferBytes;
        this.ownership = new PartitionOwnership(store, layout);
        this.deadLetters = new DeadLetters(partition);
        this.index = PartitionIndex.empty(new PartitionIdentity(layout.connectorName(), partition.topic(), partition.partition(),
                null));
    }

    TopicPartition partition() {
        return partition;
    }

    /**
     * Reads the partition's index, commits what a crash left pending, deletes unfinished temporary files, and
     * returns the offset to read from (empty when the lake knows nothing of this partition yet).
     *
     * @param topicId the topic's id, or null when it cannot be read
     * @throws LakeMismatchException when the partition's state is not this connector's to continue
     */
    Optional<Long> recover(String topicId) {
        PartitionIdentity ours = new PartitionIdentity(layout.connectorName(), partition.topic(), partition.partition(), topicId);
        String path = layout.indexFile(partition.topic(), partition.partition());
        Optional<LakeStore.Versioned> stored = store.read(path);
        Optional<PartitionIdentity> claim = ownership.claimOf(ours);
        ownership.checkClaim(ours, claim, stored.isPresent());
        if (stored.isEmpty()) {
            // An index from the start, so that completeness markers wait for this partition too.
            try {
                indexEtag = store.replace(path, PartitionIndex.empty(ours).toJson(), null);
                index = PartitionIndex.empty(ours);
            } catch (ConcurrentUpdateException e) {
                return recover(topicId);
            }
        } else {
            index = PartitionIndex.fromJson(stored.get().content(), path);
            ownership.checkIndex(ours, index, path);
            indexEtag = stored.get().etag();
        }
        Set<String> pendingTemps = new HashSet<>();
        for (FileCommitter.PendingFile file : index.pending()) {
            pendingTemps.add(file.tempPath());
        }
        if (!index.pending().isEmpty()) {
            committer.commit(index.pending());
        }
        // A new version of the index: a task that owned the partition before and still runs (a zombie) finds its
        // next commit refused, so it cannot commit files this recovery is about to delete.
        writeIndex(index.withoutPending().withIdentity(ours));
        if (claim.isEmpty()) {
            // After the index: a claim always means this connector's index exists, so a missing one was lost.
            ownership.claim(ours);
        }
        for (String temp : store.listFiles(layout.tempDir(partition.topic(), partition.partition()))) {
            if (!pendingTemps.contains(temp)) {
                store.deleteIfExists(temp);
            }
        }
        lastOffset = index.committedOffset() - 1;
        maxTime = index.watermark();
        return index.committedOffset() >= 0 ? Optional.of(index.committedOffset()) : Optional.empty();
    }

    /**
     * Fails on a record below the committed offset that no rewind explains: after recovery Connect delivers from the
     * offset the lake gave, so one below it means the topic's offsets started over (deleted and created again with
     * fewer records, so the seek was out of range). Skipping it as committed would lose it.
     */
    void checkOffset(long offset) {
        long committed = index.committedOffset();
        if (offset >= committed) {
            rewound = false;
            return;
        }
        if (!rewound) {
            throw new LakeMismatchException(partition + ": the record at offset " + offset + " is below the offset the lake "
                    + "has committed (" + committed + ", " + layout.indexFile(partition.topic(), partition.partition())
                    + "), and the partition was not rewound there: the topic was deleted and created again with fewer records "
                    + "(its offsets started over), or its records were deleted. Taken as committed, they would be lost. "
                    + "Write the topic into another " + DataLakeSinkConfig.TOPICS_DIR_CONFIG + ", or first move the old "
                    + "topic's files and state out of this one; with " + DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG
                    + " the connector tells a topic created again by its id");
        }
    }

    /** Connect rewinds every partition to its last committed offset when preCommit fails: replays follow. */
    void expectRewind() {
        rewound = true;
    }

    /** A record of this partition sent to the dead letter queue; the committed offset stays below it until acknowledged. */
    void deadLetterSent(long offset, Future<?> acknowledged, long nowMillis) {
        deadLetters.sent(offset, acknowledged, nowMillis);
    }

    /** Fails when a dead letter of the partition could not be sent or waited longer than {@code timeoutMs}. */
    void checkDeadLetters(long nowMillis, long timeoutMs) {
        deadLetters.check(nowMillis, timeoutMs);
    }

    /** True when the record at this offset, routed to {@code key}, is already in a committed file. */
    boolean isCommitted(String key, long offset) {
        return index.isCommitted(key, offset);
    }

    /** The open file the record goes to, if one holds {@code key} and its schema fits. */
    OpenFile fileFor(String key, Schema recordRowSchema) {
        OpenFile file = open.get(key);
        if (file == null || recordRowSchema == null || file.lastFitting == recordRowSchema) {
            return file;
        }
        if (RowSchemas.fits(recordRowSchema, file.rowSchema)) {
            file.lastFitting = recordRowSchema;
            return file;
        }
        return null;
    }

    /** The schema a new file for {@code key} should have so the record fits: merged with the open file's when one is open. */
    Schema schemaForNewFile(String key, Schema recordRowSchema) {
        OpenFile current = open.get(key);
        if (current == null || recordRowSchema == null) {
            return recordRowSchema;
        }
        Schema merged = RowSchemas.merge(current.rowSchema, recordRowSchema);
        return merged == null ? recordRowSchema : merged;
    }

    OpenFile openFile(String key, String directory, FileFormat format, Schema rowSchema, long nowMillis, long sequence)
            throws IOException {
        String extension = formats.extension(format);
        String temp = layout.tempFile(partition.topic(), partition.partition(), extension);
        LakeOutputStream out = store.create(temp, uploadBufferBytes);
        FormatWriter writer = formats.open(format, format == FileFormat.JSON ? null : formats.rows(rowSchema), out);
        OpenFile file = new OpenFile(key, directory, extension, temp, rowSchema, writer, nowMillis, sequence);
        open.put(key, file);
        return file;
    }

    void write(OpenFile file, SinkRecord record, long time) throws IOException {
        file.writer.write(record);
        file.added(record.kafkaOffset(), time);
        seen(record.kafkaOffset(), time);
    }

    /** A record of this partition that is handled without a file (failed, ignored, or already committed). */
    void seen(long offset, long time) {
        if (firstOffset < 0) {
            firstOffset = offset;
        }
        lastOffset = Math.max(lastOffset, offset);
        if (time != Long.MIN_VALUE) {
            maxTime = Math.max(maxTime, time);
        }
    }

    /** Finishes the open file of {@code key}: its data is complete at its temporary path, and it awaits the next commit. */
    void finish(OpenFile file) throws IOException {
        open.remove(file.key);
        long bytes = file.writer.finish();
        finished.add(file.written(layout.dataFile(file.directory, partition.topic(), partition.partition(), file.startOffset,
                file.extension), bytes));
    }

    Collection<OpenFile> openFiles() {
        return open.values();
    }

    /**
     * Takes the finished files for a commit, or returns null when there are none or a commit of this partition is still
     * running (they go with the next one). The commit's index is computed here, on the task's thread; {@link
     * Commit#run()} writes it and makes the files visible on any thread, and {@link #completed} adopts it.
     *
     * @param bucketOf the time directory and its end for a file, for completeness markers (null when markers are off)
     */
    Commit takeCommit(java.util.function.Function<WrittenFile, Map.Entry<String, Long>> bucketOf) {
        if (finished.isEmpty() || running != null) {
            return null;
        }
        List<WrittenFile> files = List.copyOf(finished);
        // Not past a record whose dead letter the queue has not acknowledged: a restart must read it again.
        long nextOffset = Math.min(lastOffset + 1, deadLetters.firstUnacknowledged());
        long watermark = maxTime;
        for (OpenFile file : open.values()) {
            nextOffset = Math.min(nextOffset, file.startOffset);
            watermark = Math.min(watermark, file.minTime - 1);
        }
        Map<String, Long> buckets = new TreeMap<>();
        if (bucketOf != null) {
            for (WrittenFile file : files) {
                Map.Entry<String, Long> bucket = bucketOf.apply(file);
                if (bucket != null) {
                    buckets.put(bucket.getKey(), bucket.getValue());
                }
            }
        }
        // From the moment its index is written the index owns these files: a failure is repaired by recover(), never
        // by deleting them, so they are no longer this writer's to finish.
        finished.clear();
        running = new Commit(layout.indexFile(partition.topic(), partition.partition()), index.after(files, nextOffset,
                watermark, buckets), indexEtag, files);
        return running;
    }

    /** Adopts the index a commit of this partition wrote; the next commit builds on it. */
    void completed(Commit commit, String etag) {
        if (commit != running) {
            throw new IllegalStateException(partition + ": a commit completed that is not the one running");
        }
        index = commit.next;
        indexEtag = etag;
        running = null;
    }

    /**
     * One commit of a partition's finished files: the new index, written only over the version this writer last
     * wrote, then the committer's step. Everything it touches is immutable or thread-safe, so it may run off the
     * task's thread.
     */
    final class Commit {
        private final String indexPath;
        private final PartitionIndex next;
        private final String expectedEtag;
        private final List<WrittenFile> files;

        private Commit(String indexPath, PartitionIndex next, String expectedEtag, List<WrittenFile> files) {
            this.indexPath = indexPath;
            this.next = next;
            this.expectedEtag = expectedEtag;
            this.files = files;
        }

        List<WrittenFile> files() {
            return files;
        }

        PartitionWriter writer() {
            return PartitionWriter.this;
        }

        /**
         * Gives each file its identity, writes the index, then lets the committer make the files visible.
         *
         * @return the new index's ETag
         * @throws ConcurrentUpdateException when the index changed since this writer last wrote it
         */
        String run() {
            for (FileCommitter.PendingFile file : next.pending()) {
                // Before the index names it: a file the lake has under its final name can then always be recognised.
                store.setMetadata(file.tempPath(), file.identity().toMetadata());
            }
            String etag = store.replace(indexPath, next.toJson(), expectedEtag);
            committer.commit(next.pending());
            return etag;
        }
    }

    /**
     * Removes time directories whose markers are written from the index, unless a commit is running (the index it
     * writes still names them; the next check finds their markers written and removes them then).
     */
    void markersWritten(Collection<String> directories) {
        if (running == null && index.buckets().keySet().stream().anyMatch(directories::contains)) {
            writeIndex(index.withoutBuckets(directories));
        }
    }

    private void writeIndex(PartitionIndex next) {
        String path = layout.indexFile(partition.topic(), partition.partition());
        indexEtag = store.replace(path, next.toJson(), indexEtag);
        index = next;
    }

    PartitionIndex index() {
        return index;
    }

    /**
     * Where reading must start again to lose nothing this writer has taken: the committed offset, or, before any
     * commit, the first offset it saw; -1 when it saw nothing.
     */
    long resumeOffset() {
        return index.committedOffset() >= 0 ? index.committedOffset() : firstOffset;
    }

    /** The offset Connect may commit for this partition: every record below it is in the lake. */
    long committedOffset() {
        return index.committedOffset();
    }

    /**
     * Gives up every open and finished file, for a partition that is closed or whose files could not be written; the
     * index keeps what was committed. Their temporary files are left to the next recovery of the partition, which
     * deletes what its index does not name: only the index knows whether a failed commit went through.
     */
    void abort() {
        running = null;
        for (OpenFile file : open.values()) {
            file.writer.abort();
        }
        open.clear();
        finished.clear();
    }

    @Override
    public String toString() {
        return partition.toString();
    }
}
