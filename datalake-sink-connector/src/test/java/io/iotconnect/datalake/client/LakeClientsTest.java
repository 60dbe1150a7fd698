package io.iotconnect.datalake.client;

import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.sas.AccountSasPermission;
import com.azure.storage.common.sas.AccountSasResourceType;
import com.azure.storage.common.sas.AccountSasService;
import com.azure.storage.common.sas.AccountSasSignatureValues;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.storage.LakeOutputStream;
import io.iotconnect.datalake.storage.LakeStore;
import io.iotconnect.testing.DataLakeServer;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signing in to the in-repo endpoint, which checks Shared Key and SAS signatures with the account key. */
class LakeClientsTest {

    private static DataLakeServer lake;

    @BeforeAll
    static void start() {
        lake = DataLakeServer.start();
    }

    @AfterAll
    static void stop() {
        lake.close();
    }

    private static DataLakeSinkConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, lake.endpoint());
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, "auth");
        props.putAll(overrides);
        return new DataLakeSinkConfig(props);
    }

    private static void writeAndCommit(DataLakeFileSystemClient fileSystem, String path) throws Exception {
        LakeStore store = new LakeStore(fileSystem);
        try (LakeOutputStream out = store.create("_tmp/" + path, 64 * 1024)) {
            out.write("rows".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store.renameIfAbsent("_tmp/" + path, "t/" + path)).isEqualTo(LakeStore.Rename.RENAMED);
    }

    @Test
    void theAccountKeySignsEveryRequestAndTheAccountNameComesFromTheEndpoint() throws Exception {
        DataLakeSinkConfig config = config(Map.of(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, lake.accountKey(),
                DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG, "true"));
        assertThat(config.accountName()).isEqualTo(lake.accountName());
        DataLakeFileSystemClient fileSystem = LakeClients.fileSystem(config);
        LakeClients.open(fileSystem, config);
        writeAndCommit(fileSystem, "key.parquet");
        assertThat(lake.root().resolve("auth/t/key.parquet")).exists();
    }

    @Test
    void aSasTokenWritesAndCommitsWithTheLeadingQuestionMarkOrWithout() throws Exception {
        DataLakeFileSystemClient admin = new DataLakeServiceClientBuilder().endpoint(lake.endpoint())
                .credential(new StorageSharedKeyCredential(lake.accountName(), lake.accountKey())).buildClient()
                .getFileSystemClient("auth");
        admin.createIfNotExists();
        String sas = new DataLakeServiceClientBuilder().endpoint(lake.endpoint())
                .credential(new StorageSharedKeyCredential(lake.accountName(), lake.accountKey())).buildClient()
                .generateAccountSas(new AccountSasSignatureValues(OffsetDateTime.now().plusHours(1),
                        AccountSasPermission.parse("rwdlacup"), new AccountSasService().setBlobAccess(true),
                        new AccountSasResourceType().setContainer(true).setObject(true)));
        for (String token : new String[]{sas, "?" + sas}) {
            DataLakeSinkConfig config = config(Map.of(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "sas",
                    DataLakeSinkConfig.SAS_TOKEN_CONFIG, token));
            DataLakeFileSystemClient fileSystem = LakeClients.fileSystem(config);
            LakeClients.open(fileSystem, config);
            writeAndCommit(fileSystem, "sas-" + token.length() + ".parquet");
        }
        assertThat(lake.sasRequests()).isGreaterThan(0);
    }

    @Test
    void aWrongKeyOrAMissingFileSystemFailsAtStartSayingWhatToFix() {
        String wrongKey = java.util.Base64.getEncoder().encodeToString(new byte[64]);
        DataLakeSinkConfig wrong = config(Map.of(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, wrongKey));
        assertThatThrownBy(() -> LakeClients.open(LakeClients.fileSystem(wrong), wrong))
                .isInstanceOf(ConnectException.class).hasMessageContaining("status 403")
                .hasMessageContaining("check datalake.account.key");

        DataLakeSinkConfig missing = config(Map.of(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, lake.accountKey(),
                DataLakeSinkConfig.FILESYSTEM_CONFIG, "not-there"));
        assertThatThrownBy(() -> LakeClients.open(LakeClients.fileSystem(missing), missing))
                .isInstanceOf(ConnectException.class).hasMessageContaining("'not-there' does not exist")
                .hasMessageContaining("datalake.filesystem.create=true");
    }

    @Test
    void whatTheSdkRefusesWhileBuildingNamesTheKeysAndNeverTheSdkMessageOrACause() {
        String badKey = "not-base64-" + lake.accountKey();
        DataLakeSinkConfig key = config(Map.of(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, badKey));
        assertThatThrownBy(() -> LakeClients.fileSystem(key)).isInstanceOf(ConnectException.class).hasNoCause()
                .hasMessage("the Azure SDK refused datalake.account.key (IllegalArgumentException); give the storage "
                        + "account key as the portal shows it (Base64)");

        String secret = "client-secret-that-must-not-show";
        DataLakeSinkConfig tenant = config(Map.of(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "client-secret",
                DataLakeSinkConfig.TENANT_ID_CONFIG, "not a tenant/" + secret, DataLakeSinkConfig.CLIENT_ID_CONFIG, "app",
                DataLakeSinkConfig.CLIENT_SECRET_CONFIG, secret));
        assertThatThrownBy(() -> LakeClients.fileSystem(tenant)).isInstanceOf(ConnectException.class).hasNoCause()
                .hasMessageStartingWith("the Azure SDK refused datalake.auth.tenant.id, datalake.auth.client.id, "
                        + "datalake.auth.client.secret, datalake.auth.authority.host (IllegalArgumentException); ")
                .hasMessageNotContaining(secret);

        // The SDK sends Entra ID tokens over https:// only, and the test endpoint is http://.
        DataLakeSinkConfig plaintext = config(Map.of(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "managed-identity"));
        assertThatThrownBy(() -> LakeClients.fileSystem(plaintext)).isInstanceOf(ConnectException.class).hasNoCause()
                .hasMessageStartingWith("the Azure SDK refused datalake.endpoint with datalake.auth.type=managed-identity (")
                .hasMessageEndingWith("); Microsoft Entra ID signs in over https:// only; give the account's https:// endpoint");
    }
}
