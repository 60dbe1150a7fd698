package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.commit.PartitionIndex;
import io.iotconnect.datalake.commit.WrittenFile;
import io.iotconnect.datalake.partition.PathTemplate;
import io.iotconnect.datalake.storage.LakeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a marker file into a time directory (like {@code dt=2026-12-01/hour=05}) once every partition of its topic
 * has committed records past the directory's end. Each partition's index carries its watermark, so the check works
 * across tasks and workers: the task that committed data in a directory reads the indexes of the topic's other
 * partitions (one small file each) and writes the marker when the slowest has passed. Checks of a topic run at most
 * every {@link #CHECK_INTERVAL_MS} ms.
 */
final class CompletenessMarkers {

    static final long CHECK_INTERVAL_MS = 5_000;

    private static final Logger log = LoggerFactory.getLogger(CompletenessMarkers.class);

    private final LakeStore store;
    private final LakeLayout layout;
    private final PathTemplate template;
    private final String markerName;
    private final long latenessMs;
    private final Map<String, Long> lastCheck = new HashMap<>();

    CompletenessMarkers(LakeStore store, LakeLayout layout, PathTemplate template, String markerName, long latenessMs) {
        this.store = store;
        this.layout = layout;
        this.template = template;
        this.markerName = markerName;
        this.latenessMs = latenessMs;
    }

    /** Markers are on, and the template has time directories to put them in. */
    static boolean applicable(PathTemplate template, String markerName) {
        return !markerName.isEmpty() && template.timePrefixUnit().isPresent();
    }

    /** The time directory of a committed file and the directory's end (epoch ms). */
    Map.Entry<String, Long> bucketOf(String topic, WrittenFile file) {
        return Map.entry(template.renderTimePrefix(topic, file.minTime()), template.bucketEnd(file.minTime()));
    }

    /** Writes the markers of {@code topic} that are due; {@code writers} are this task's partitions of the topic. */
    void check(String topic, Collection<PartitionWriter> writers, long nowMillis, boolean force) {
        Long last = lastCheck.get(topic);
        if (!force && last != null && nowMillis - last < CHECK_INTERVAL_MS) {
            return;
        }
        Map<String, Long> candidates = new HashMap<>();
        for (PartitionWriter writer : writers) {
            candidates.putAll(writer.index().buckets());
        }
        if (candidates.isEmpty()) {
            return;
        }
        lastCheck.put(topic, nowMillis);
        long slowest = slowestWatermark(topic, writers);
        List<String> done = new ArrayList<>();
        for (Map.Entry<String, Long> bucket : candidates.entrySet()) {
            if (bucket.getValue() + latenessMs <= slowest) {
                if (store.createIfAbsent(layout.marker(bucket.getKey(), markerName), new byte[0])) {
                    log.info("{} is complete: every partition of {} has committed records past its end; wrote {}",
                            bucket.getKey(), topic, markerName);
                }
                done.add(bucket.getKey());
            }
        }
        if (!done.isEmpty()) {
            for (PartitionWriter writer : writers) {
                writer.markersWritten(done);
            }
        }
    }

    /** The lowest watermark over every partition of the topic that has an index, this task's from memory. */
    private long slowestWatermark(String topic, Collection<PartitionWriter> writers) {
        Map<String, Long> own = new HashMap<>();
        for (PartitionWriter writer : writers) {
            own.put(layout.indexFile(topic, writer.partition().partition()), writer.index().watermark());
        }
        long slowest = Long.MAX_VALUE;
        for (String file : store.listFiles(layout.indexDir(topic))) {
            if (!file.endsWith(".json")) {
                continue;
            }
            Long watermark = own.get(file);
            if (watermark == null) {
                Optional<LakeStore.Versioned> stored = store.read(file);
                watermark = stored.map(v -> PartitionIndex.fromJson(v.content(), file).watermark()).orElse(Long.MAX_VALUE);
            }
            slowest = Math.min(slowest, watermark);
        }
        return slowest;
    }
}
