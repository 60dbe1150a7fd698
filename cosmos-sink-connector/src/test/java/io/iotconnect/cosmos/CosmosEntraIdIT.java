package io.iotconnect.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.CosmosDbServer;
import io.iotconnect.testing.CosmosFaultProxy;
import io.iotconnect.testing.ManagedIdentityEndpoint;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Microsoft Entra ID sign-in with a managed identity, end to end: the task asks the managed identity endpoint (App
 * Service protocol, started by this test where IDENTITY_ENDPOINT points) for a token and signs every Cosmos DB request
 * with it ({@code type=aad}), which the interposer in front of the local server sees. No account key is configured.
 */
class CosmosEntraIdIT {

    private static CosmosDbServer cosmos;
    private static CosmosFaultProxy proxy;
    private static ManagedIdentityEndpoint identity;
    private static EmbeddedConnectCluster connect;
    private static CosmosAsyncClient reader;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        cosmos = servers.add(CosmosDbServer.start());
        proxy = servers.add(CosmosFaultProxy.start(cosmos));
        identity = servers.add(ManagedIdentityEndpoint.fromEnvironment());
        connect = servers.connect("cosmos-entra-it", 1);
        reader = servers.add(new CosmosClientBuilder().endpoint(cosmos.endpoint()).key(CosmosDbServer.KEY).gatewayMode().buildAsyncClient());
    }

    private static Map<String, String> props(String topic, String container) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", CosmosSinkConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("cosmos.endpoint", proxy.endpoint());
        props.put("cosmos.auth.type", "managed-identity");
        props.put("cosmos.connection.mode", "gateway");
        props.put("cosmos.database", "iot");
        props.put("cosmos.containers.topic.map", topic + "#" + container);
        props.put("cosmos.containers.create", "true");
        props.put("cosmos.containers.partition.key.paths", "/deviceId");
        return props;
    }

    private static int count(String container, int devices) {
        int count = 0;
        for (int device = 0; device < devices; device++) {
            List<ObjectNode> page = reader.getDatabase("iot").getContainer(container)
                    .readAllItems(new PartitionKey("dev-" + device), ObjectNode.class).collectList().block();
            count += page == null ? 0 : page.size();
        }
        return count;
    }

    private static void awaitCount(String container, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (count(container, 5) < expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out: " + count(container, 5) + " of " + expected + " documents in " + container);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    @Test
    void aSystemAssignedManagedIdentitySignsEveryRequest() throws Exception {
        connect.kafka().createTopic("entra", 1);
        for (int seq = 0; seq < 100; seq++) {
            connect.kafka().produce("entra", "dev-" + seq % 5, "{\"seq\":" + seq + ",\"deviceId\":\"dev-" + seq % 5 + "\"}");
        }
        connect.configureConnector("entra-sink", props("entra", "entra"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("entra-sink", 1, "sink did not start");
        awaitCount("entra", 100);

        assertThat(identity.issued()).as("tokens from the managed identity endpoint").isPositive();
        assertThat(identity.refused()).isZero();
        URI endpoint = URI.create(proxy.endpoint());
        assertThat(identity.lastQuery().get("resource")).as("token audience: the account")
                .isEqualTo("https://" + endpoint.getHost());
        assertThat(identity.lastQuery()).doesNotContainKey("client_id");
        assertThat(proxy.entraIdRequests()).as("requests signed with Entra ID").isPositive();
        assertThat(proxy.lastEntraIdToken()).isEqualTo(ManagedIdentityEndpoint.TOKEN);
        assertThat(count("entra", 5)).isEqualTo(100);
        connect.deleteConnector("entra-sink");
    }

    @Test
    void aUserAssignedManagedIdentityIsPickedByItsClientId() throws Exception {
        connect.kafka().createTopic("entra-user", 1);
        Map<String, String> props = props("entra-user", "entra-user");
        props.put("cosmos.auth.client.id", "11111111-2222-3333-4444-555555555555");
        for (int seq = 0; seq < 20; seq++) {
            connect.kafka().produce("entra-user", "dev-" + seq % 5, "{\"seq\":" + seq + ",\"deviceId\":\"dev-" + seq % 5 + "\"}");
        }
        connect.configureConnector("entra-user-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("entra-user-sink", 1, "sink did not start");
        awaitCount("entra-user", 20);
        assertThat(identity.lastQuery()).containsEntry("client_id", "11111111-2222-3333-4444-555555555555");
        connect.deleteConnector("entra-user-sink");
    }
}
