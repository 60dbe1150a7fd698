package io.iotconnect.datalake.storage;

import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.iotconnect.datalake.LogCapture;
import io.iotconnect.testing.DataLakeServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LakeStoreTest {

    private static DataLakeServer lake;
    private static LakeStore store;

    @BeforeAll
    static void start() {
        lake = DataLakeServer.start();
        DataLakeFileSystemClient fs = new DataLakeServiceClientBuilder().endpoint(lake.endpoint())
                .credential(new StorageSharedKeyCredential(lake.accountName(), lake.accountKey())).buildClient()
                .getFileSystemClient("store-test");
        fs.create();
        store = new LakeStore(fs);
    }

    @AfterAll
    static void stop() {
        lake.close();
    }

    private static void write(String path, String content) {
        try (LakeOutputStream out = store.create(path, 64 * 1024)) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void renameIfAbsentCommitsOnceIntoADirectoryThatDoesNotExistYet() {
        write("_tmp/a.parquet", "one");
        write("_tmp/b.parquet", "two");

        assertThat(store.renameIfAbsent("_tmp/a.parquet", "t/dt=2026-12-01/t+0+0001.parquet")).isEqualTo(LakeStore.Rename.RENAMED);
        assertThat(store.exists("t/dt=2026-12-01/t+0+0001.parquet")).isTrue();
        assertThat(store.renameIfAbsent("_tmp/b.parquet", "t/dt=2026-12-01/t+0+0001.parquet")).isEqualTo(LakeStore.Rename.TARGET_EXISTS);
        assertThat(store.renameIfAbsent("_tmp/a.parquet", "t/dt=2026-12-01/t+0+0001.parquet")).isEqualTo(LakeStore.Rename.SOURCE_MISSING);
        assertThat(store.read("t/dt=2026-12-01/t+0+0001.parquet").orElseThrow().content()).asString().isEqualTo("one");
    }

    @Test
    void replaceIsConditionalOnTheVersionLastWritten() {
        String first = store.replace("_index/c/t/0.json", "{\"v\":1}".getBytes(StandardCharsets.UTF_8), null);
        String second = store.replace("_index/c/t/0.json", "{\"v\":2}".getBytes(StandardCharsets.UTF_8), first);

        assertThat(store.read("_index/c/t/0.json").orElseThrow().etag()).isEqualTo(second);
        assertThatThrownBy(() -> store.replace("_index/c/t/0.json", new byte[0], first)).isInstanceOf(ConcurrentUpdateException.class);
        assertThatThrownBy(() -> store.replace("_index/c/t/0.json", new byte[0], null)).isInstanceOf(ConcurrentUpdateException.class);
        assertThat(store.listFiles("_index/c/t")).containsExactly("_index/c/t/0.json");
        assertThat(store.read("_index/c/t/1.json")).isEmpty();
    }

    @Test
    void createIfAbsentWritesOnce() {
        assertThat(store.createIfAbsent("m/_SUCCESS", new byte[0])).isTrue();
        assertThat(store.createIfAbsent("m/_SUCCESS", new byte[0])).isFalse();
        assertThat(store.listFiles("missing/dir")).isEmpty();
    }

    @Test
    void metadataTellsWhatAFileHoldsAndStaysWithItThroughTheRename() {
        write("_tmp/m.parquet", "rows");
        store.setMetadata("_tmp/m.parquet", java.util.Map.of("connector", "lake sink é/1", "end_offset", "19"));
        assertThat(store.renameIfAbsent("_tmp/m.parquet", "t/t+0+0010.parquet")).isEqualTo(LakeStore.Rename.RENAMED);

        assertThat(store.metadata("t/t+0+0010.parquet")).hasValue(java.util.Map.of("connector", "lake sink é/1", "end_offset", "19"));
        assertThat(store.metadata("t/missing.parquet")).isEmpty();
        write("t/plain.parquet", "rows");
        assertThat(store.metadata("t/plain.parquet")).hasValue(java.util.Map.of());
    }

    @Test
    void theAnswersThatMeanNothingIsThereYetAreNotLoggedAndCostOneRequestEach() {
        write("q/present.json", "{}");
        try (LogCapture logs = LogCapture.warningsAndErrors()) {
            long before = lake.requests();
            assertThat(store.read("q/missing.json")).isEmpty();
            assertThat(store.metadata("q/missing.json")).isEmpty();
            assertThat(store.listFiles("q/missing")).isEmpty();
            store.deleteIfExists("q/missing.json");
            assertThat(store.createIfAbsent("q/present.json", new byte[0])).isFalse();
            assertThat(store.read("q/present.json").orElseThrow().content()).asString().isEqualTo("{}");
            assertThat(lake.requests() - before).as("requests").isEqualTo(6);
            assertThat(logs.events()).as("what the SDK and the store logged").isEmpty();
        }
    }
}
