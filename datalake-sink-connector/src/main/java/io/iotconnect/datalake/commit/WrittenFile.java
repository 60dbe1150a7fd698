package io.iotconnect.datalake.commit;

/**
 * A finished file waiting to be committed: its data is complete at {@code tempPath} and becomes visible at
 * {@code finalPath}. It holds the records of one Kafka partition with offsets from {@code startOffset} to
 * {@code endOffset} that belong to one directory and format ({@code key}).
 *
 * @param key         the directory and extension the file's records were routed to
 * @param tempPath    where the data was written, invisible to readers
 * @param finalPath   where readers find it; derived from topic, partition and start offset, so it is the same on replay
 * @param startOffset the first record's offset
 * @param endOffset   the last record's offset
 * @param records     rows in the file
 * @param bytes       the file's size
 * @param minTime     the earliest record time in the file (epoch ms)
 * @param maxTime     the latest record time in the file (epoch ms)
 */
public record WrittenFile(String key, String tempPath, String finalPath, long startOffset, long endOffset, long records,
                          long bytes, long minTime, long maxTime) {
}
