package io.iotconnect.common.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import org.apache.kafka.common.config.types.Password;

/**
 * The Microsoft Entra ID credential of an Azure plugin's sign-in: a service principal with a client secret, the
 * worker's managed identity (system- or user-assigned), or AKS workload identity. Each Azure plugin has its own
 * {@code <prefix>.auth.*} keys and validates them; this builds the credential from them.
 */
public final class EntraIdCredentials {

    /** The Entra ID ways to sign in. */
    public enum Kind { CLIENT_SECRET, MANAGED_IDENTITY, WORKLOAD_IDENTITY }

    /**
     * What a credential is built from; blank strings mean "not set".
     *
     * @param tenantId      the tenant of the service principal (client secret), or overriding AZURE_TENANT_ID (workload identity)
     * @param clientId      the service principal, the user-assigned managed identity, or overriding AZURE_CLIENT_ID
     * @param clientSecret  the service principal's secret (client secret only)
     * @param authorityHost a national cloud's authority, like https://login.microsoftonline.us/
     */
    public record Settings(Kind kind, String tenantId, String clientId, Password clientSecret, String authorityHost) {
    }

    private EntraIdCredentials() {
    }

    public static TokenCredential credential(Settings settings) {
        switch (settings.kind()) {
            case CLIENT_SECRET: {
                ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder()
                        .tenantId(settings.tenantId())
                        .clientId(settings.clientId())
                        .clientSecret(settings.clientSecret().value());
                if (!isBlank(settings.authorityHost())) {
                    builder.authorityHost(settings.authorityHost());
                }
                return builder.build();
            }
            case MANAGED_IDENTITY: {
                ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
                if (!isBlank(settings.clientId())) {
                    builder.clientId(settings.clientId());
                }
                return builder.build();
            }
            default: {
                WorkloadIdentityCredentialBuilder builder = new WorkloadIdentityCredentialBuilder();
                if (!isBlank(settings.tenantId())) {
                    builder.tenantId(settings.tenantId());
                }
                if (!isBlank(settings.clientId())) {
                    builder.clientId(settings.clientId());
                }
                if (!isBlank(settings.authorityHost())) {
                    builder.authorityHost(settings.authorityHost());
                }
                return builder.build();
            }
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }
}
