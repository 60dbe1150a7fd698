package io.iotconnect.cosmos.client;

import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ManagedIdentityCredential;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CosmosClientsTest {

    private static CosmosSinkConfig config(String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("cosmos.endpoint", "https://account.documents.azure.com:443/");
        props.put("cosmos.database", "iot");
        props.put("cosmos.containers.topic.map", "telemetry#readings");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return new CosmosSinkConfig(props);
    }

    @Test
    void entraIdAuthenticationsBuildTheirCredentials() {
        assertThat(CosmosClients.credential(config("cosmos.auth.type", "client-secret", "cosmos.auth.tenant.id",
                "00000000-0000-0000-0000-000000000001", "cosmos.auth.client.id", "00000000-0000-0000-0000-000000000002",
                "cosmos.auth.client.secret", "secret", "cosmos.auth.authority.host", "https://login.microsoftonline.us/")))
                .isInstanceOf(ClientSecretCredential.class);
        assertThat(CosmosClients.credential(config("cosmos.auth.type", "managed-identity")))
                .isInstanceOf(ManagedIdentityCredential.class);
        assertThat(CosmosClients.credential(config("cosmos.auth.type", "managed-identity", "cosmos.auth.client.id",
                "00000000-0000-0000-0000-000000000003"))).isInstanceOf(ManagedIdentityCredential.class);
    }
}
