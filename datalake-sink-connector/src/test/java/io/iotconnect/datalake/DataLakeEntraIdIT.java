package io.iotconnect.datalake;

import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import io.iotconnect.datalake.client.LakeClients;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.storage.LakeOutputStream;
import io.iotconnect.datalake.storage.LakeStore;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.ManagedIdentityEndpoint;
import io.iotconnect.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Microsoft Entra ID sign-in with the worker's managed identity: the SDK asks the managed identity endpoint (App
 * Service protocol, started by this test where IDENTITY_ENDPOINT points) for a token and sends it as a bearer token
 * with every request, which the SDK does only over HTTPS. The endpoint's certificate is signed by the test CA, which
 * this JVM's default trust store is pointed at, as a platform team adds a private CA.
 */
class DataLakeEntraIdIT {

    private static ManagedIdentityEndpoint identity;
    private static DataLakeServer lake;

    @BeforeAll
    static void start() {
        TestCertificates certificates = TestCertificates.create();
        System.setProperty("javax.net.ssl.trustStore", certificates.truststoreP12().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestCertificates.STORE_PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        identity = ManagedIdentityEndpoint.fromEnvironment();
        lake = DataLakeServer.builder().tls(certificates).start();
        lake.acceptBearerToken(ManagedIdentityEndpoint.TOKEN);
    }

    @AfterAll
    static void stop() {
        if (lake != null) {
            lake.close();
        }
        if (identity != null) {
            identity.close();
        }
    }

    @Test
    void theManagedIdentitySignsEveryRequest() throws Exception {
        Map<String, String> props = new HashMap<>();
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, lake.endpoint());
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, "entra");
        props.put(DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG, "true");
        props.put(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "managed-identity");
        DataLakeSinkConfig config = new DataLakeSinkConfig(props);
        assertThat(config.problems()).isEmpty();

        DataLakeFileSystemClient fileSystem = LakeClients.fileSystem(config);
        LakeClients.open(fileSystem, config);
        LakeStore store = new LakeStore(fileSystem);
        try (LakeOutputStream out = store.create("_tmp/a.json", 64 * 1024)) {
            out.write("{}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(store.renameIfAbsent("_tmp/a.json", "t/a.json")).isEqualTo(LakeStore.Rename.RENAMED);

        assertThat(lake.root().resolve("entra/t/a.json")).exists();
        assertThat(identity.issued()).isGreaterThanOrEqualTo(1);
        assertThat(lake.bearerRequests()).isGreaterThanOrEqualTo(4);
        assertThat(lake.lastBearerToken()).isEqualTo(ManagedIdentityEndpoint.TOKEN);
        assertThat(lake.sharedKeyRequests()).isZero();
    }
}
