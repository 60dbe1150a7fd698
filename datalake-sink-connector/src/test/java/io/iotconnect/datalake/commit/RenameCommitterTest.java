package io.iotconnect.datalake.commit;

import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.iotconnect.datalake.storage.LakeOutputStream;
import io.iotconnect.datalake.storage.LakeStore;
import io.iotconnect.testing.DataLakeServer;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a commit makes of a final path that is taken: the same file again, or another one. */
class RenameCommitterTest {

    private static final FileIdentity TEN = new FileIdentity("lake", "t", 0, null, 10, 19, 10);
    private static DataLakeServer lake;
    private static LakeStore store;
    private static RenameCommitter committer;

    @BeforeAll
    static void start() {
        lake = DataLakeServer.start();
        DataLakeFileSystemClient fs = new DataLakeServiceClientBuilder().endpoint(lake.endpoint())
                .credential(new StorageSharedKeyCredential(lake.accountName(), lake.accountKey())).buildClient()
                .getFileSystemClient("committer-test");
        fs.create();
        store = new LakeStore(fs);
        committer = new RenameCommitter(store);
    }

    @AfterAll
    static void stop() {
        lake.close();
    }

    private static String write(String path, FileIdentity identity) {
        try (LakeOutputStream out = store.create(path, 64 * 1024)) {
            out.write(path.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (identity != null) {
            store.setMetadata(path, identity.toMetadata());
        }
        return path;
    }

    @Test
    void theSameFileAgainIsAnEarlierAttemptAndItsCopyGoes() {
        write("same/final.parquet", TEN);
        String copy = write("_tmp/same.parquet", TEN);
        committer.commit(List.of(new FileCommitter.PendingFile(copy, "same/final.parquet", TEN)));
        assertThat(store.exists(copy)).isFalse();
        // Renamed already, its copy gone (a retried commit): the file in the lake is recognised.
        committer.commit(List.of(new FileCommitter.PendingFile(copy, "same/final.parquet", TEN)));
    }

    @Test
    void anotherFileOfTheNameFailsNamingEachDifferenceAndKeepsBoth() {
        write("other/final.parquet", new FileIdentity("lake-a", "t", 0, "id-1", 10, 14, 5));
        String copy = write("_tmp/other.parquet", TEN);
        assertThatThrownBy(() -> committer.commit(List.of(new FileCommitter.PendingFile(copy, "other/final.parquet", TEN))))
                .isInstanceOf(LakeMismatchException.class).hasMessageContaining("other/final.parquet")
                .hasMessageContaining("connector: 'lake' in this commit, 'lake-a' in the lake")
                .hasMessageContaining("end offset: 19 in this commit, 14 in the lake")
                .hasMessageContaining("records: 10 in this commit, 5 in the lake")
                .hasMessageNotContaining("topic id").hasMessageContaining(copy);
        assertThat(store.exists(copy)).isTrue();
        assertThat(store.metadata("other/final.parquet").orElseThrow()).containsEntry("connector", "lake-a");

        // The same, after its copy is gone: the lake's file is still not this commit's.
        store.deleteIfExists(copy);
        assertThatThrownBy(() -> committer.commit(List.of(new FileCommitter.PendingFile(copy, "other/final.parquet", TEN))))
                .isInstanceOf(LakeMismatchException.class).hasMessageContaining("end offset");
    }

    @Test
    void aFileWithoutIdentityIsNotTakenForThisCommitsButAnIndexWithoutIdentitiesGoesByName() {
        write("plain/final.parquet", null);
        String copy = write("_tmp/plain.parquet", TEN);
        assertThatThrownBy(() -> committer.commit(List.of(new FileCommitter.PendingFile(copy, "plain/final.parquet", TEN))))
                .isInstanceOf(LakeMismatchException.class).hasMessageContaining("carries no identity");

        // An index written before files carried identities names its files by path only.
        committer.commit(List.of(new FileCommitter.PendingFile(copy, "plain/final.parquet", null)));
        assertThat(store.exists(copy)).isFalse();
        assertThatThrownBy(() -> committer.commit(List.of(new FileCommitter.PendingFile("_tmp/gone.parquet",
                "plain/missing.parquet", TEN)))).isInstanceOf(ConnectException.class).hasMessageContaining("deleted by hand");
    }

    @Test
    void identitiesTravelAsMetadataAndTopicIdsCountOnlyWhenBothAreKnown() {
        FileIdentity withId = new FileIdentity("lake é", "t", 3, "id-1", 0, 9, 10);
        assertThat(FileIdentity.fromMetadata(withId.toMetadata())).hasValue(withId);
        assertThat(FileIdentity.fromMetadata(Map.of("connector", "x"))).isEmpty();
        assertThat(withId.differencesFrom(new FileIdentity("lake é", "t", 3, null, 0, 9, 10), "here")).isEmpty();
        assertThat(withId.differencesFrom(new FileIdentity("lake é", "t", 3, "id-2", 0, 9, 10), "here"))
                .containsExactly("topic id: 'id-1' here, 'id-2' in the lake");
    }
}
