package io.iotconnect.datalake.commit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whose a partition's state in the lake is: the connector that writes it, and the Kafka topic partition, with the
 * topic's id when it is known (a topic deleted and created again has the same name and a new id, and its offsets
 * start over). The index and the partition's claim carry it; every file carries it with its extent
 * ({@link FileIdentity}).
 *
 * @param topicId the topic's id, or null when the connector cannot read it ({@code datalake.kafka.bootstrap.servers})
 */
public record PartitionIdentity(String connector, String topic, int partition, String topicId) {

    public PartitionIdentity {
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(topic, "topic");
    }

    /** True when both know the topic's id and the ids differ: not the same topic, whatever its name. */
    public boolean otherTopicThan(PartitionIdentity other) {
        return topicId != null && other.topicId != null && !topicId.equals(other.topicId);
    }

    /** The attributes that differ, as "name: <this> here, <other> in the lake"; the topic id only when both know it. */
    List<String> differencesFrom(PartitionIdentity inLake, String here) {
        List<String> differences = new ArrayList<>();
        difference(differences, "connector", connector, inLake.connector, here);
        difference(differences, "topic", topic, inLake.topic, here);
        difference(differences, "partition", partition, inLake.partition, here);
        if (otherTopicThan(inLake)) {
            difference(differences, "topic id", topicId, inLake.topicId, here);
        }
        return differences;
    }

    static void difference(List<String> differences, String name, Object mine, Object theirs, String here) {
        if (!Objects.equals(mine, theirs)) {
            differences.add(name + ": " + quoted(mine) + " " + here + ", " + quoted(theirs) + " in the lake");
        }
    }

    private static String quoted(Object value) {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }

    @Override
    public String toString() {
        return "connector '" + connector + "', " + topic + "-" + partition + (topicId == null ? "" : " (topic id " + topicId + ")");
    }
}
