package io.iotconnect.cosmos.writer;

import com.azure.cosmos.CosmosAsyncContainer;
import io.iotconnect.cosmos.mapping.PartitionKeys;

/** A container the task writes to, with its partition key definition as read from Cosmos DB at start. */
public record ContainerTarget(String name, CosmosAsyncContainer container, PartitionKeys partitionKeys) {
}
