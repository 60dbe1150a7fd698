package io.iotconnect.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Event Hub (an IoT Hub's built-in endpoint): its partitions, which only ever grow in number, and its consumer
 * groups, matched case-insensitively as the service does. Thread-safe.
 */
final class EventHubEntity {

    static final String DEFAULT_CONSUMER_GROUP = "$Default";

    private final String name;
    private final long createdAtMillis = System.currentTimeMillis();
    private final List<PartitionLog> partitions = new CopyOnWriteArrayList<>();
    private final Set<String> consumerGroups = ConcurrentHashMap.newKeySet();
    private final AtomicLong roundRobin = new AtomicLong();

    EventHubEntity(String name, int partitionCount) {
        this.name = name;
        consumerGroups.add(DEFAULT_CONSUMER_GROUP.toLowerCase(Locale.ROOT));
        addPartitions(partitionCount);
    }

    String name() {
        return name;
    }

    long createdAtMillis() {
        return createdAtMillis;
    }

    synchronized void addPartitions(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("partitions to add must be at least 1, was " + count);
        }
        int first = partitions.size();
        for (int id = first; id < first + count; id++) {
            partitions.add(new PartitionLog(name, Integer.toString(id)));
        }
    }

    int partitionCount() {
        return partitions.size();
    }

    List<String> partitionIds() {
        List<String> ids = new ArrayList<>();
        for (PartitionLog partition : partitions) {
            ids.add(partition.partitionId());
        }
        return ids;
    }

    /** The partition with this id ("0", "1", ...), or null. */
    PartitionLog partition(String id) {
        try {
            int index = Integer.parseInt(id);
            return index >= 0 && index < partitions.size() && Integer.toString(index).equals(id) ? partitions.get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The partition a key (a device id, a partition key) maps to: {@code floorMod(key.hashCode(), partitionCount)}.
     * Deterministic across runs and JVMs; like the service, the mapping changes when partitions are added.
     */
    PartitionLog partitionForKey(String key) {
        return partitions.get(Math.floorMod(key.hashCode(), partitions.size()));
    }

    /** The next partition in turn, for events sent to the hub without a partition or a partition key. */
    PartitionLog nextPartition() {
        return partitions.get((int) Math.floorMod(roundRobin.getAndIncrement(), (long) partitions.size()));
    }

    void addConsumerGroup(String consumerGroup) {
        consumerGroups.add(consumerGroup.toLowerCase(Locale.ROOT));
    }

    boolean hasConsumerGroup(String consumerGroup) {
        return consumerGroups.contains(consumerGroup.toLowerCase(Locale.ROOT));
    }
}
