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
import io.iotconnect.common.config.Validators;
import io.iotconnect.datalake.config.AuthType;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;
import java.util.Base64;

/** Builds the SDK client of the configured file system, signed in as configured, with the configured retries. */
public final class LakeClients {

    private LakeClients() {
    }

    /**
     * The file system's client. What the SDK refuses while it is built fails the task as a {@link ConnectException}
     * naming the keys to fix and the SDK exception's class: the SDK's message can quote the endpoint, a key or a
     * token, so neither it nor the exception (whose message Connect shows in the task's trace) goes any further.
     */
    public static DataLakeFileSystemClient fileSystem(DataLakeSinkConfig config) {
        long tryTimeoutSeconds = Math.max(1, config.retryTryTimeoutMs() / 1000);
        RequestRetryOptions retries = new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, config.retryMaxTries(),
                Duration.ofSeconds(tryTimeoutSeconds), Duration.ofMillis(Math.min(200, config.retryDelayMaxMs())),
                Duration.ofMillis(config.retryDelayMaxMs()), null);
        DataLakeServiceClientBuilder builder = new DataLakeServiceClientBuilder()
                .retryOptions(retries)
                .clientOptions(new ClientOptions().setApplicationId("iot-connect-datalake/" + PluginVersion.of(LakeClients.class)))
                .httpLogOptions(new HttpLogOptions());
        try {
            builder.endpoint(config.endpoint());
        } catch (RuntimeException e) {
            throw refused(DataLakeSinkConfig.ENDPOINT_CONFIG, e, "give the account's Data Lake endpoint, like "
                    + "https://<account>.dfs.core.windows.net");
        }
        AuthType auth = config.authType();
        try {
            switch (auth) {
                case ACCOUNT_KEY -> {
                    String key = config.accountKey().value();
                    // The SDK decodes the key only when it signs the first request, and its error then names neither
                    // the key nor the fix.
                    Base64.getDecoder().decode(key);
                    builder.credential(new StorageSharedKeyCredential(config.accountName(), key));
                }
                case SAS -> {
                    String token = config.sasToken().value().trim();
                    builder.credential(new AzureSasCredential(token.startsWith("?") ? token.substring(1) : token));
                }
                default -> builder.credential(EntraIdCredentials.credential(new EntraIdCredentials.Settings(
                        EntraIdCredentials.Kind.valueOf(auth.name()), config.tenantId(), config.clientId(), config.clientSecret(),
                        config.authorityHost())));
            }
        } catch (RuntimeException e) {
            throw refused(signInKeys(auth), e, switch (auth) {
                case ACCOUNT_KEY -> "give the storage account key as the portal shows it (Base64)";
                case SAS -> "give the SAS token as the portal or 'az storage fs generate-sas' prints it";
                default -> "check the tenant id, the client id and the authority host of the identity";
            });
        }
        try {
            return builder.buildClient().getFileSystemClient(config.filesystem());
        } catch (RuntimeException e) {
            throw refused(DataLakeSinkConfig.ENDPOINT_CONFIG + " with " + DataLakeSinkConfig.AUTH_TYPE_CONFIG + "="
                    + Validators.configName(auth), e, auth == AuthType.ACCOUNT_KEY || auth == AuthType.SAS
                    ? "check that the endpoint is the account's Data Lake endpoint"
                    : "Microsoft Entra ID signs in over https:// only; give the account's https:// endpoint");
        }
    }

    /** The keys a sign-in of this type is built from. */
    private static String signInKeys(AuthType auth) {
        return switch (auth) {
            case ACCOUNT_KEY -> DataLakeSinkConfig.ACCOUNT_KEY_CONFIG;
            case SAS -> DataLakeSinkConfig.SAS_TOKEN_CONFIG;
            case CLIENT_SECRET -> String.join(", ", DataLakeSinkConfig.TENANT_ID_CONFIG, DataLakeSinkConfig.CLIENT_ID_CONFIG,
                    DataLakeSinkConfig.CLIENT_SECRET_CONFIG, DataLakeSinkConfig.AUTHORITY_HOST_CONFIG);
            case MANAGED_IDENTITY -> DataLakeSinkConfig.CLIENT_ID_CONFIG;
            case WORKLOAD_IDENTITY -> String.join(", ", DataLakeSinkConfig.TENANT_ID_CONFIG, DataLakeSinkConfig.CLIENT_ID_CONFIG,
                    DataLakeSinkConfig.AUTHORITY_HOST_CONFIG);
        };
    }

    /** Names the keys, the fix and the exception's class only: no SDK message, no cause. */
    private static ConnectException refused(String keys, RuntimeException e, String fix) {
        return new ConnectException("the Azure SDK refused " + keys + " (" + e.getClass().getSimpleName() + "); " + fix);
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
