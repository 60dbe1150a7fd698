package io.iotconnect.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.CosmosItemIdentity;
import com.azure.cosmos.models.FeedResponse;
import com.azure.cosmos.models.PartitionKey;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.testing.ConnectTestCluster;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Opt-in test against a real Azure Cosmos DB for NoSQL account; skipped unless COSMOS_LIVE_ENDPOINT is set.
 *
 * <ul>
 *   <li>COSMOS_LIVE_ENDPOINT: https://&lt;account&gt;.documents.azure.com:443/</li>
 *   <li>COSMOS_LIVE_KEY: the account key; or, to sign in with Microsoft Entra ID instead, AZURE_TENANT_ID,
 *       AZURE_CLIENT_ID and AZURE_CLIENT_SECRET of a service principal with the Cosmos DB Built-in Data Contributor
 *       role (the database and container must then exist, partitioned by /deviceId)</li>
 *   <li>COSMOS_LIVE_DATABASE (default iot-connect-live), COSMOS_LIVE_CONTAINER (default readings),
 *       COSMOS_LIVE_MODE (direct or gateway, default direct)</li>
 * </ul>
 * The records it writes have a fresh run id in their device ids, and tombstones delete them again at the end.
 */
@EnabledIfEnvironmentVariable(named = "COSMOS_LIVE_ENDPOINT", matches = "https://.+")
class CosmosLiveIT {

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    @Test
    void recordsBecomeDocumentsAndTombstonesDeleteThemOnARealAccount() throws Exception {
        String endpoint = System.getenv("COSMOS_LIVE_ENDPOINT");
        String key = env("COSMOS_LIVE_KEY", null);
        String database = env("COSMOS_LIVE_DATABASE", "iot-connect-live");
        String containerName = env("COSMOS_LIVE_CONTAINER", "readings");
        String run = UUID.randomUUID().toString().substring(0, 8);

        Map<String, String> props = new HashMap<>();
        props.put("connector.class", CosmosSinkConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("topics", "live");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("cosmos.endpoint", endpoint);
        props.put("cosmos.connection.mode", env("COSMOS_LIVE_MODE", "direct"));
        props.put("cosmos.database", database);
        props.put("cosmos.containers.topic.map", "live#" + containerName);
        props.put("cosmos.containers.partition.key.paths", "/deviceId");
        props.put("cosmos.id.strategy", "key");
        CosmosClientBuilder readerBuilder = new CosmosClientBuilder().endpoint(endpoint);
        if (key != null) {
            props.put("cosmos.key", key);
            props.put("cosmos.containers.create", "true");
            readerBuilder.key(key);
        } else {
            props.put("cosmos.auth.type", "client-secret");
            props.put("cosmos.auth.tenant.id", System.getenv("AZURE_TENANT_ID"));
            props.put("cosmos.auth.client.id", System.getenv("AZURE_CLIENT_ID"));
            props.put("cosmos.auth.client.secret", System.getenv("AZURE_CLIENT_SECRET"));
            readerBuilder.credential(new ClientSecretCredentialBuilder().tenantId(System.getenv("AZURE_TENANT_ID"))
                    .clientId(System.getenv("AZURE_CLIENT_ID")).clientSecret(System.getenv("AZURE_CLIENT_SECRET")).build());
        }

        int devices = 200;
        EmbeddedConnectCluster connect = ConnectTestCluster.start("cosmos-live-it", 1);
        try (CosmosAsyncClient reader = readerBuilder.buildAsyncClient()) {
            connect.kafka().createTopic("live", 2);
            List<CosmosItemIdentity> ids = new ArrayList<>();
            for (int device = 0; device < devices; device++) {
                String id = run + "-dev-" + device;
                ids.add(new CosmosItemIdentity(new PartitionKey(id), id));
                connect.kafka().produce("live", id, "{\"deviceId\":\"" + id + "\",\"temperature\":21.5,\"seq\":" + device + "}");
            }
            connect.configureConnector("live-sink", props);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("live-sink", 2, "sink did not start");
            CosmosAsyncContainer container = reader.getDatabase(database).getContainer(containerName);
            awaitDocuments(container, ids, devices);

            for (int device = 0; device < devices; device++) {
                connect.kafka().produce("live", run + "-dev-" + device, null);
            }
            awaitDocuments(container, ids, 0);
            connect.deleteConnector("live-sink");
        } finally {
            connect.stop();
        }
    }

    private static void awaitDocuments(CosmosAsyncContainer container, List<CosmosItemIdentity> ids, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int found = -1;
        while (System.nanoTime() < deadline) {
            FeedResponse<ObjectNode> page = container.readMany(ids, ObjectNode.class).block();
            found = page == null ? 0 : page.getResults().size();
            if (found == expected) {
                return;
            }
            TimeUnit.SECONDS.sleep(1);
        }
        assertThat(found).as("documents of this run").isEqualTo(expected);
    }
}
