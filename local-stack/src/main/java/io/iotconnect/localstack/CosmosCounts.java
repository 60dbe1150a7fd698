package io.iotconnect.localstack;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the documents the sinks wrote, per container, reading each device's partition (the local Cosmos server has
 * no query engine, so no {@code SELECT COUNT}).
 */
final class CosmosCounts implements AutoCloseable {

    private final CosmosAsyncClient client;
    private final String database;
    private final List<String> devices;

    CosmosCounts(String endpoint, String key, String database, List<String> devices) {
        this.client = new CosmosClientBuilder().endpoint(endpoint).key(key).gatewayMode().buildAsyncClient();
        this.database = database;
        this.devices = List.copyOf(devices);
    }

    /** Documents in a container (0 while it does not exist). */
    long documents(String container) {
        return documentsByDevice(container).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Documents in each device's partition of a container; a device whose partition could not be read is left out. */
    Map<String, Long> documentsByDevice(String container) {
        Map<String, Long> counts = new HashMap<>();
        try {
            for (String device : devices) {
                List<ObjectNode> page = client.getDatabase(database).getContainer(container)
                        .readAllItems(new PartitionKey(device), ObjectNode.class).collectList().block();
                counts.put(device, page == null ? 0L : page.size());
            }
        } catch (RuntimeException e) {
            // the container does not exist yet: what was counted so far
        }
        return counts;
    }

    /** Each device's document's {@code field} as a number, read by id (the device id); absent devices are left out. */
    Map<String, Long> numberByDevice(String container, String field) {
        Map<String, Long> values = new HashMap<>();
        for (String device : devices) {
            try {
                ObjectNode document = client.getDatabase(database).getContainer(container)
                        .readItem(device, new PartitionKey(device), ObjectNode.class).block().getItem();
                if (document != null && document.path(field).isNumber()) {
                    values.put(device, document.get(field).asLong());
                }
            } catch (RuntimeException e) {
                // no document for this device (404), or the container does not exist yet
            }
        }
        return values;
    }

    @Override
    public void close() {
        client.close();
    }
}
