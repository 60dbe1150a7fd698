package io.iotconnect.cosmos.client;

import com.azure.core.credential.TokenCredential;
import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosAsyncDatabase;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.CosmosException;
import com.azure.cosmos.ThrottlingRetryOptions;
import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.cosmos.models.PartitionKeyDefinition;
import com.azure.cosmos.models.PartitionKeyDefinitionVersion;
import com.azure.cosmos.models.PartitionKind;
import io.iotconnect.common.azure.EntraIdCredentials;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.cosmos.config.AuthType;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import io.iotconnect.cosmos.writer.ContainerTarget;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the SDK client from configuration and resolves the containers the task writes to. */
public final class CosmosClients {

    private static final Logger log = LoggerFactory.getLogger(CosmosClients.class);

    private CosmosClients() {
    }

    public static CosmosAsyncClient client(CosmosSinkConfig config) {
        CosmosClientBuilder builder = new CosmosClientBuilder()
                .endpoint(config.endpoint())
                .contentResponseOnWriteEnabled(false)
                .userAgentSuffix("iot-connect-cosmos-sink/" + PluginVersion.of(CosmosClients.class))
                // The connector's own retry budget governs throttling; the SDK retries briefly first.
                .throttlingRetryOptions(new ThrottlingRetryOptions().setMaxRetryAttemptsOnThrottledRequests(3)
                        .setMaxRetryWaitTime(Duration.ofSeconds(5)));
        if (config.authType() == AuthType.KEY) {
            builder.key(config.key().value());
        } else {
            builder.credential(credential(config));
        }
        if (config.gatewayMode()) {
            builder.gatewayMode();
        } else {
            builder.directMode();
        }
        if (!config.preferredRegions().isEmpty()) {
            builder.preferredRegions(config.preferredRegions());
        }
        return builder.buildAsyncClient();
    }

    /** The Microsoft Entra ID credential of an authentication other than the account key. */
    static TokenCredential credential(CosmosSinkConfig config) {
        EntraIdCredentials.Kind kind = switch (config.authType()) {
            case CLIENT_SECRET -> EntraIdCredentials.Kind.CLIENT_SECRET;
            case MANAGED_IDENTITY -> EntraIdCredentials.Kind.MANAGED_IDENTITY;
            case WORKLOAD_IDENTITY -> EntraIdCredentials.Kind.WORKLOAD_IDENTITY;
            default -> throw new IllegalArgumentException("not a Microsoft Entra ID authentication: " + config.authType());
        };
        return EntraIdCredentials.credential(new EntraIdCredentials.Settings(kind, config.tenantId(), config.clientId(),
                config.clientSecret(), config.authorityHost()));
    }

    /** Each topic's container, created first when configured, with the partition key definition Cosmos DB reports. */
    public static Map<String, ContainerTarget> containers(CosmosAsyncClient client, CosmosSinkConfig config) {
        try {
            if (config.createContainers()) {
                client.createDatabaseIfNotExists(config.database()).onErrorResume(CosmosClients::createdMeanwhile, e -> Mono.empty()).block();
            }
            CosmosAsyncDatabase database = client.getDatabase(config.database());
            Map<String, ContainerTarget> byName = new LinkedHashMap<>();
            Map<String, ContainerTarget> byTopic = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : config.containersByTopic().entrySet()) {
                ContainerTarget target = byName.computeIfAbsent(entry.getValue(), name -> resolve(database, name, config));
                byTopic.put(entry.getKey(), target);
            }
            return byTopic;
        } catch (CosmosException e) {
            String hint = "";
            if (e.getStatusCode() == 403 && config.authType() != AuthType.KEY) {
                hint = "; a Microsoft Entra ID identity needs a Cosmos DB data-plane role assignment (such as Cosmos DB Built-in "
                        + "Data Contributor) and cannot create databases or containers: create them with the Azure CLI, "
                        + "Bicep or Terraform";
            } else if (e.getStatusCode() == 404 && !config.createContainers()) {
                hint = "; create it, or set " + CosmosSinkConfig.CREATE_CONTAINERS_CONFIG + "=true";
            }
            throw new ConnectException("Cannot open the Cosmos DB containers of database '" + config.database() + "' at "
                    + config.endpoint() + ": status " + e.getStatusCode() + ", " + e.getShortMessage() + hint, e);
        }
    }

    /** Another task created it between the existence check and the create: the tasks of a connector start together. */
    private static boolean createdMeanwhile(Throwable error) {
        return error instanceof CosmosException cosmos && cosmos.getStatusCode() == 409;
    }

    private static ContainerTarget resolve(CosmosAsyncDatabase database, String name, CosmosSinkConfig config) {
        if (config.createContainers()) {
            List<String> paths = config.partitionKeyPaths();
            PartitionKeyDefinition definition = new PartitionKeyDefinition();
            definition.setPaths(paths);
            if (paths.size() > 1) {
                definition.setKind(PartitionKind.MULTI_HASH);
                definition.setVersion(PartitionKeyDefinitionVersion.V2);
            }
            database.createContainerIfNotExists(new CosmosContainerProperties(name, definition))
                    .onErrorResume(CosmosClients::createdMeanwhile, e -> Mono.empty()).block();
        }
        CosmosAsyncContainer container = database.getContainer(name);
        CosmosContainerProperties properties = container.read().block().getProperties();
        List<String> paths = properties.getPartitionKeyDefinition().getPaths();
        log.info("Writing to container '{}' partitioned by {}", name, paths);
        return new ContainerTarget(name, container, new PartitionKeys(paths));
    }
}
