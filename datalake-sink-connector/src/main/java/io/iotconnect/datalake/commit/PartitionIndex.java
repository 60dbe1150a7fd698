package io.iotconnect.datalake.commit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.errors.ConnectException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the lake holds of one Kafka partition, in a small JSON file beside the data (one per partition, so recovery
 * reads one file however large the lake grows). Written atomically before the files it names are renamed into place,
 * so after a crash at any point recovery knows exactly which records are committed:
 *
 * <ul>
 *   <li>{@code identity}: the connector and topic partition it belongs to (with the topic's id when known), checked
 *       on recovery; absent in indexes written before it was kept.</li>
 *   <li>{@code committedOffset}: every record below it is in a committed file (or was a failed record); -1 when
 *       nothing is known yet. Reading resumes there.</li>
 *   <li>{@code committedAbove}: files committed while an older file of the partition was still open, as
 *       (directory and format, first offset, last offset): a replayed record in one of these ranges and routed to
 *       the same directory and format is in that file already, and is skipped.</li>
 *   <li>{@code pending}: the files of the last commit, with what each holds, to rename again if the crash came before
 *       they were (and to recognise them when they were).</li>
 *   <li>{@code watermark}: a record time (epoch ms) such that every earlier record of the partition is committed,
 *       for completeness markers; {@code buckets}: the time directories this partition committed data in that may
 *       still lack their marker, with the end of each.</li>
 * </ul>
 */
public record PartitionIndex(PartitionIdentity identity, long committedOffset, List<Range> committedAbove,
                             List<FileCommitter.PendingFile> pending, long watermark, Map<String, Long> buckets) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The records of one committed file: routed to {@code key}, offsets {@code start} to {@code end}. */
    public record Range(String key, long start, long end) {
        boolean contains(String recordKey, long offset) {
            return start <= offset && offset <= end && key.equals(recordKey);
        }
    }

    /** The index of a partition the lake holds nothing of yet. */
    public static PartitionIndex empty(PartitionIdentity identity) {
        return new PartitionIndex(identity, -1, List.of(), List.of(), Long.MIN_VALUE, Map.of());
    }

    public PartitionIndex {
        committedAbove = committedAbove == null ? List.of() : List.copyOf(committedAbove);
        pending = pending == null ? List.of() : List.copyOf(pending);
        buckets = buckets == null ? Map.of() : Map.copyOf(buckets);
    }

    /** True when the record routed to {@code key} at {@code offset} is in a committed file. */
    public boolean isCommitted(String key, long offset) {
        if (offset < committedOffset) {
            return true;
        }
        for (Range range : committedAbove) {
            if (range.contains(key, offset)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The index after committing {@code files}.
     *
     * @param nextOffset the new committed offset: the first offset of a file still open, or the offset after the
     *                   last record seen when none is
     * @param watermark  the new watermark
     * @param newBuckets the time directories of the committed files, with their ends
     */
    public PartitionIndex after(List<WrittenFile> files, long nextOffset, long watermark, Map<String, Long> newBuckets) {
        List<Range> above = new ArrayList<>();
        for (Range range : committedAbove) {
            if (range.end() >= nextOffset) {
                above.add(range);
            }
        }
        List<FileCommitter.PendingFile> renames = new ArrayList<>();
        for (WrittenFile file : files) {
            if (file.endOffset() >= nextOffset) {
                above.add(new Range(file.key(), file.startOffset(), file.endOffset()));
            }
            renames.add(new FileCommitter.PendingFile(file.tempPath(), file.finalPath(),
                    identity == null ? null : FileIdentity.of(identity, file)));
        }
        Map<String, Long> allBuckets = new TreeMap<>(buckets);
        allBuckets.putAll(newBuckets);
        return new PartitionIndex(identity, Math.max(committedOffset, nextOffset), above, renames,
                Math.max(this.watermark, watermark), allBuckets);
    }

    /** The index once its pending files are committed. */
    public PartitionIndex withoutPending() {
        return new PartitionIndex(identity, committedOffset, committedAbove, List.of(), watermark, buckets);
    }

    /** The index as the partition's owner now writes it. */
    public PartitionIndex withIdentity(PartitionIdentity owner) {
        return new PartitionIndex(owner, committedOffset, committedAbove, pending, watermark, buckets);
    }

    /** The index without the time directories whose markers are written. */
    public PartitionIndex withoutBuckets(java.util.Collection<String> marked) {
        Map<String, Long> left = new TreeMap<>(buckets);
        left.keySet().removeAll(marked);
        return new PartitionIndex(identity, committedOffset, committedAbove, pending, watermark, left);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new ConnectException("cannot write a partition index", e);
        }
    }

    public static PartitionIndex fromJson(byte[] json, String path) {
        try {
            return JSON.readValue(json, PartitionIndex.class);
        } catch (IOException e) {
            // Deleting it is no way out: it is the only record of which of the partition's records are in the lake.
            throw new ConnectException("the partition index " + path + " is not readable (" + e.getMessage() + "). It is "
                    + "the record of which of the partition's records are in the lake, and the partition is not written "
                    + "without it: restore it as it was (the file system's soft delete or a snapshot keeps earlier "
                    + "versions)", e);
        }
    }
}
