package io.iotconnect.mqtt.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TaskAssignmentTest {

    private static List<TopicFilter> filters(String... texts) {
        List<TopicFilter> filters = new ArrayList<>();
        for (String text : texts) {
            filters.add(TopicFilter.parse(text));
        }
        return filters;
    }

    @Test
    void unsharedFiltersGoToExactlyOneTaskEach() {
        List<List<TopicFilter>> tasks = TaskAssignment.assign(filters("a/#", "b/#", "c/#", "d/#", "e/#"), 2);
        assertThat(tasks).hasSize(2);
        Set<TopicFilter> seen = new HashSet<>();
        for (List<TopicFilter> task : tasks) {
            for (TopicFilter filter : task) {
                assertThat(seen.add(filter)).as("filter %s on two tasks", filter).isTrue();
            }
        }
        assertThat(seen).hasSize(5);
    }

    @Test
    void neverMoreTasksThanUnsharedFilters() {
        assertThat(TaskAssignment.assign(filters("a/#", "b/#"), 8)).hasSize(2);
        assertThat(TaskAssignment.assign(filters("a/#"), 1)).hasSize(1);
    }

    @Test
    void sharedSubscriptionsRunOnEveryTask() {
        List<List<TopicFilter>> tasks = TaskAssignment.assign(filters("$share/g/a/#", "b/#"), 3);
        assertThat(tasks).hasSize(3);
        for (List<TopicFilter> task : tasks) {
            assertThat(task).contains(TopicFilter.parse("$share/g/a/#"));
        }
        assertThat(tasks.stream().filter(t -> t.contains(TopicFilter.parse("b/#")))).hasSize(1);
    }

    @Test
    void deterministic() {
        assertThat(TaskAssignment.assign(filters("a", "b", "c"), 2)).isEqualTo(TaskAssignment.assign(filters("a", "b", "c"), 2));
    }
}
