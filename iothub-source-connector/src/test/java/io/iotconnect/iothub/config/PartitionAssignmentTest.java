package io.iotconnect.iothub.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionAssignmentTest {

    @Test
    void dealsSortedPartitionsRoundRobin() {
        assertThat(PartitionAssignment.assign(List.of("3", "1", "0", "2"), 2))
                .containsExactly(List.of("0", "2"), List.of("1", "3"));
        assertThat(PartitionAssignment.assign(List.of("0", "1", "2", "3", "4"), 3))
                .containsExactly(List.of("0", "3"), List.of("1", "4"), List.of("2"));
    }

    @Test
    void sortsNumericIdsAsNumbersSoTenFollowsNine() {
        List<String> ids = List.of("10", "9", "1", "0", "11", "2", "3", "4", "5", "6", "7", "8");
        assertThat(PartitionAssignment.sorted(ids)).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11");
        assertThat(PartitionAssignment.assign(ids, 4).get(2)).containsExactly("2", "6", "10");
    }

    @Test
    void sortsOtherIdsAsTextAndDropsDuplicates() {
        assertThat(PartitionAssignment.sorted(List.of("b", "a", "c", "a"))).containsExactly("a", "b", "c");
    }

    @Test
    void neverMakesMoreTasksThanPartitions() {
        assertThat(PartitionAssignment.assign(List.of("0", "1"), 8)).containsExactly(List.of("0"), List.of("1"));
        assertThat(PartitionAssignment.assign(List.of(), 3)).isEmpty();
    }

    @Test
    void isDeterministicWhateverTheOrderTheServiceListsThem() {
        assertThat(PartitionAssignment.assign(List.of("2", "0", "3", "1"), 3))
                .isEqualTo(PartitionAssignment.assign(List.of("0", "1", "2", "3"), 3));
    }

    @Test
    void refusesZeroTasks() {
        assertThatThrownBy(() -> PartitionAssignment.assign(List.of("0"), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
