package io.iotconnect.datalake.client;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.util.ClientOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import io.iotconnect.common.azure.EntraIdCredentials;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.datalake.config.AuthType;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;

/** Builds the SDK client of the configured file system, signed in as configured, with the configured retries. */
public final class LakeClients {

    private LakeClients() {
    }

    public static DataLakeFileSystemClient fileSystem(DataLakeSinkConfig config) {
        long tryTimeoutSeconds = Math.max(1, config.retryTryTimeoutMs() / 1000);
        RequestRetryOptions retries = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, config.retryMaxTries(),
                Duration.ofSeconds(tryTimeoutSeconds), Duration.ofMillis(Math.min(200, config.retryDelayMaxMs())),
                Duration.ofMillis(config.retryDelayMaxMs()), null);
        DataLakeServiceClientBuilder builder = new DataLakeServiceClientBuilder()
                .endpoint(config.endpoint())
                .retryOptions(retries)
                .clientOptions(new ClientOptions().setApplicationId("iot-connect-datalake/" + PluginVersion.of(LakeClients.class)))
                .httpLogOptions(new HttpLogOptions());
        AuthType auth = config.authType();
        switch (auth) {
            case ACCOUNT_KEY -> builder.credential(new StorageSharedKeyCredential(config.accountName(), config.accountKey().value()));
            case SAS -> {
                String token = config.sasToken().value().trim();
                builder.credential(new AzureSasCredential(token.startsWith("?") ? token.substring(1) : token));
            }
            default -> builder.credential(EntraIdCredentials.credential(new EntraIdCredentials.Settings(
                    EntraIdCredentials.Kind.valueOf(auth.name()), config.tenantId(), config.clientId(), config.clientSecret(),
                    config.authorityHost())));
        }
        return builder.buildClient().getFileSystemClient(config.filesystem());
    }

    /** Checks the file system is there (creating it when configured), so that a wrong setting fails at start, clearly. */
    public static void open(DataLakeFileSystemClient fileSystem, DataLakeSinkConfig config) {
        try {
            if (config.createFilesystem()) {
                fileSystem.createIfNotExists();
            } else if (!fileSystem.exists()) {
                throw new ConnectException("the file system '" + config.filesystem() + "' does not exist at " + config.endpoint()
                        + "; create it, or set " + DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG + "=true");
            }
        } catch (DataLakeStorageException e) {
            String hint = switch (e.getStatusCode()) {
                case 403 -> config.authType() == AuthType.ACCOUNT_KEY || config.authType() == AuthType.SAS
                        ? "; check " + DataLakeSinkConfig.ACCOUNT_KEY_CONFIG + " or " + DataLakeSinkConfig.SAS_TOKEN_CONFIG
                        + " (and the SAS token's permissions and expiry)"
                        : "; the identity needs the 'Storage Blob Data Contributor' role on the file system";
                default -> "";
            };
            throw new ConnectException("cannot open the file system '" + config.filesystem() + "' at " + config.endpoint()
                    + ": status " + e.getStatusCode() + " " + e.getErrorCode() + hint, e);
        }
    }
}
