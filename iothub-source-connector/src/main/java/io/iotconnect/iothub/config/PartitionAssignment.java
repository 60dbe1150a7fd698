package io.iotconnect.iothub.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Spreads a hub's partitions over tasks: sorted (numerically when every id is a number, as Event Hubs ids are, so
 * "10" follows "9"), then dealt round-robin, so the same partitions and task count always give the same assignment.
 * Never more tasks than partitions.
 */
public final class PartitionAssignment {

    private PartitionAssignment() {
    }

    public static List<List<String>> assign(List<String> partitionIds, int maxTasks) {
        if (maxTasks < 1) {
            throw new IllegalArgumentException("maxTasks must be at least 1, got " + maxTasks);
        }
        List<String> sorted = sorted(partitionIds);
        int tasks = Math.min(maxTasks, sorted.size());
        List<List<String>> assignment = new ArrayList<>(tasks);
        for (int task = 0; task < tasks; task++) {
            assignment.add(new ArrayList<>());
        }
        for (int i = 0; i < sorted.size(); i++) {
            assignment.get(i % tasks).add(sorted.get(i));
        }
        return assignment.stream().map(List::copyOf).toList();
    }

    /** The ids in the order assignment uses; duplicates dropped. */
    public static List<String> sorted(List<String> partitionIds) {
        List<String> ids = new ArrayList<>(new java.util.LinkedHashSet<>(partitionIds));
        boolean numeric = ids.stream().allMatch(id -> !id.isEmpty() && id.length() < 10 && id.chars().allMatch(Character::isDigit));
        ids.sort(numeric ? Comparator.comparingLong(Long::parseLong) : Comparator.naturalOrder());
        return List.copyOf(ids);
    }
}
