package io.iotconnect.datalake.commit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a data file holds: which connector wrote it, of which topic partition, and which records (first and last
 * offset, how many). Kept in the file's own metadata, set before the index names the file, so it is there whichever
 * path the file is at; and in the index beside each pending file. Two files of one name are the same only when their
 * identities are: a name (topic, partition, first offset) alone is no proof of what a file holds.
 */
public record FileIdentity(String connector, String topic, int partition, String topicId, long startOffset, long endOffset,
                           long records) {

    private static final String CONNECTOR = "connector";
    private static final String TOPIC = "topic";
    private static final String PARTITION = "kafka_partition";
    private static final String TOPIC_ID = "topic_id";
    private static final String START_OFFSET = "start_offset";
    private static final String END_OFFSET = "end_offset";
    private static final String RECORDS = "records";

    public static FileIdentity of(PartitionIdentity owner, WrittenFile file) {
        return new FileIdentity(owner.connector(), owner.topic(), owner.partition(), owner.topicId(), file.startOffset(),
                file.endOffset(), file.records());
    }

    PartitionIdentity partitionIdentity() {
        return new PartitionIdentity(connector, topic, partition, topicId);
    }

    /** The file metadata (names are valid metadata names: letters, digits and '_'). */
    public Map<String, String> toMetadata() {
        Map<String, String> metadata = new TreeMap<>();
        metadata.put(CONNECTOR, connector);
        metadata.put(TOPIC, topic);
        metadata.put(PARTITION, Integer.toString(partition));
        if (topicId != null) {
            metadata.put(TOPIC_ID, topicId);
        }
        metadata.put(START_OFFSET, Long.toString(startOffset));
        metadata.put(END_OFFSET, Long.toString(endOffset));
        metadata.put(RECORDS, Long.toString(records));
        return metadata;
    }

    /** The identity a file's metadata holds; empty when it holds none (or not all of one). */
    public static Optional<FileIdentity> fromMetadata(Map<String, String> metadata) {
        try {
            String connector = metadata.get(CONNECTOR);
            String topic = metadata.get(TOPIC);
            if (connector == null || topic == null) {
                return Optional.empty();
            }
            return Optional.of(new FileIdentity(connector, topic, Integer.parseInt(metadata.get(PARTITION)),
                    metadata.get(TOPIC_ID), Long.parseLong(metadata.get(START_OFFSET)), Long.parseLong(metadata.get(END_OFFSET)),
                    Long.parseLong(metadata.get(RECORDS))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What differs from the file in the lake, one "name: <this> here, <that> in the lake" each; empty when the same. */
    public List<String> differencesFrom(FileIdentity inLake, String here) {
        List<String> differences = new java.util.ArrayList<>(partitionIdentity().differencesFrom(inLake.partitionIdentity(), here));
        PartitionIdentity.difference(differences, "start offset", startOffset, inLake.startOffset, here);
        PartitionIdentity.difference(differences, "end offset", endOffset, inLake.endOffset, here);
        PartitionIdentity.difference(differences, "records", records, inLake.records, here);
        return differences;
    }
}
