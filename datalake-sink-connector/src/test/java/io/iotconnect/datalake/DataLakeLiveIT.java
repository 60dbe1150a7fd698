package io.iotconnect.datalake;

import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import io.iotconnect.datalake.client.LakeClients;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.storage.LakeOutputStream;
import io.iotconnect.datalake.storage.LakeStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The storage semantics exactly-once relies on, against a real storage account with a hierarchical namespace, when
 * you give it one (skipped otherwise):
 *
 * <pre>
 * DATALAKE_LIVE_ENDPOINT=https://myaccount.dfs.core.windows.net DATALAKE_LIVE_KEY=... DATALAKE_LIVE_FILESYSTEM=test \
 *   mvn verify -pl datalake-sink-connector -am -Dit.test=DataLakeLiveIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * With DATALAKE_LIVE_SAS instead of DATALAKE_LIVE_KEY it signs in with a SAS token. Everything it writes is below a
 * directory of its own, deleted at the end.
 */
class DataLakeLiveIT {

    @Test
    void renamesCommitOnceAndStateFilesReplaceConditionally() throws Exception {
        String endpoint = System.getenv("DATALAKE_LIVE_ENDPOINT");
        assumeTrue(endpoint != null && !endpoint.isBlank(), "DATALAKE_LIVE_ENDPOINT is not set");
        Map<String, String> props = new HashMap<>();
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, endpoint);
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, System.getenv().getOrDefault("DATALAKE_LIVE_FILESYSTEM", "iot-connect-live"));
        props.put(DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG, "true");
        String sas = System.getenv("DATALAKE_LIVE_SAS");
        if (sas != null && !sas.isBlank()) {
            props.put(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "sas");
            props.put(DataLakeSinkConfig.SAS_TOKEN_CONFIG, sas);
        } else {
            props.put(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, System.getenv("DATALAKE_LIVE_KEY"));
        }
        DataLakeSinkConfig config = new DataLakeSinkConfig(props);
        DataLakeFileSystemClient fileSystem = LakeClients.fileSystem(config);
        LakeClients.open(fileSystem, config);
        LakeStore store = new LakeStore(fileSystem);
        String base = "iot-connect-live-" + UUID.randomUUID();
        try {
            try (LakeOutputStream out = store.create(base + "/_tmp/a", 64 * 1024)) {
                out.write("first".getBytes(StandardCharsets.UTF_8));
                assertThat(store.read(base + "/_tmp/a").orElseThrow().content()).as("appended, not flushed").isEmpty();
            }
            try (LakeOutputStream out = store.create(base + "/_tmp/b", 64 * 1024)) {
                out.write("second".getBytes(StandardCharsets.UTF_8));
            }
            String target = base + "/t/dt=2026-12-01/t+0+0000000000000000001.parquet";
            assertThat(store.renameIfAbsent(base + "/_tmp/a", target)).isEqualTo(LakeStore.Rename.RENAMED);
            assertThat(store.renameIfAbsent(base + "/_tmp/b", target)).isEqualTo(LakeStore.Rename.TARGET_EXISTS);
            assertThat(store.renameIfAbsent(base + "/_tmp/a", target)).isEqualTo(LakeStore.Rename.SOURCE_MISSING);
            assertThat(store.read(target).orElseThrow().content()).asString().isEqualTo("first");

            String index = base + "/_index/c/t/0.json";
            String v1 = store.replace(index, "1".getBytes(StandardCharsets.UTF_8), null);
            String v2 = store.replace(index, "2".getBytes(StandardCharsets.UTF_8), v1);
            assertThat(v2).isNotEqualTo(v1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.replace(index, new byte[0], v1))
                    .isInstanceOf(io.iotconnect.datalake.storage.ConcurrentUpdateException.class);
            assertThat(store.createIfAbsent(base + "/t/dt=2026-12-01/_SUCCESS", new byte[0])).isTrue();
            assertThat(store.createIfAbsent(base + "/t/dt=2026-12-01/_SUCCESS", new byte[0])).isFalse();
        } finally {
            fileSystem.getDirectoryClient(base).deleteRecursively();
        }
    }
}
