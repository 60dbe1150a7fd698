package io.iotconnect.datalake.commit;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionIndexTest {

    private static final PartitionIdentity OWNER = new PartitionIdentity("lake", "t", 0, "id-1");

    @Test
    void pendingFilesCarryTheirIdentityThroughJson() {
        WrittenFile file = new WrittenFile("t|parquet", "_tmp/a.parquet", "t/t+0+0000000000000000010.parquet", 10, 19, 10, 100,
                0, 9);
        PartitionIndex index = PartitionIndex.empty(OWNER).after(List.of(file), 20, 9, Map.of());
        PartitionIndex read = PartitionIndex.fromJson(index.toJson(), "i.json");

        assertThat(read).isEqualTo(index);
        assertThat(read.identity()).isEqualTo(OWNER);
        assertThat(read.pending()).singleElement().extracting(FileCommitter.PendingFile::identity)
                .isEqualTo(new FileIdentity("lake", "t", 0, "id-1", 10, 19, 10));
    }

    @Test
    void anIndexOfAnEarlierVersionIsReadWithoutIdentities() {
        String earlier = "{\"committedOffset\":20,\"committedAbove\":[],\"pending\":[{\"tempPath\":\"_tmp/a.parquet\","
                + "\"finalPath\":\"t/a.parquet\"}],\"watermark\":9,\"buckets\":{}}";
        PartitionIndex read = PartitionIndex.fromJson(earlier.getBytes(StandardCharsets.UTF_8), "i.json");

        assertThat(read.identity()).isNull();
        assertThat(read.committedOffset()).isEqualTo(20);
        assertThat(read.pending()).singleElement().extracting(FileCommitter.PendingFile::identity).isNull();
        assertThat(read.withoutPending().withIdentity(OWNER).identity()).isEqualTo(OWNER);
    }

    @Test
    void anUnreadableIndexIsNamedAndNeverAdvisedToBeDeleted() {
        assertThatThrownBy(() -> PartitionIndex.fromJson("{\"committedOffset\":".getBytes(StandardCharsets.UTF_8), "x/0.json"))
                .isInstanceOf(ConnectException.class).hasMessageContaining("x/0.json").hasMessageContaining("restore it")
                .hasMessageNotContainingAny("delete it", "consumer group");
    }
}
