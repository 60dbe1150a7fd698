package io.iotconnect.mqtt.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Spreads subscriptions over tasks. A shared subscription is subscribed by every task, so the broker balances its
 * messages between them; ordinary filters are split round-robin, each filter on exactly one task, so no two tasks
 * receive the same unshared message. Deterministic for the same input.
 */
public final class TaskAssignment {

    private TaskAssignment() {
    }

    /** The filters of each task; the list has as many entries as tasks should run (at least 1, at most maxTasks). */
    public static List<List<TopicFilter>> assign(List<TopicFilter> filters, int maxTasks) {
        List<TopicFilter> shared = new ArrayList<>();
        List<TopicFilter> unshared = new ArrayList<>();
        for (TopicFilter filter : filters) {
            (filter.isShared() ? shared : unshared).add(filter);
        }
        int tasks = shared.isEmpty() ? Math.max(1, Math.min(maxTasks, unshared.size())) : Math.max(1, maxTasks);
        List<List<TopicFilter>> assignment = new ArrayList<>(tasks);
        for (int task = 0; task < tasks; task++) {
            assignment.add(new ArrayList<>(shared));
        }
        for (int i = 0; i < unshared.size(); i++) {
            assignment.get(i % tasks).add(unshared.get(i));
        }
        return assignment;
    }
}
