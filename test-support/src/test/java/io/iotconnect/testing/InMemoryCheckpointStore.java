package io.iotconnect.testing;

import com.azure.messaging.eventhubs.CheckpointStore;
import com.azure.messaging.eventhubs.models.Checkpoint;
import com.azure.messaging.eventhubs.models.PartitionOwnership;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A checkpoint store in memory, so an {@code EventProcessorClient} can run against the endpoint without blob storage. */
final class InMemoryCheckpointStore implements CheckpointStore {

    private final Map<String, PartitionOwnership> ownerships = new ConcurrentHashMap<>();
    private final Map<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();

    @Override
    public Flux<PartitionOwnership> listOwnership(String namespace, String hub, String consumerGroup) {
        return Flux.fromIterable(List.copyOf(ownerships.values()))
                .filter(ownership -> ownership.getEventHubName().equals(hub) && ownership.getConsumerGroup().equals(consumerGroup))
                .map(InMemoryCheckpointStore::copy);
    }

    @Override
    public synchronized Flux<PartitionOwnership> claimOwnership(List<PartitionOwnership> requested) {
        List<PartitionOwnership> claimed = new ArrayList<>();
        for (PartitionOwnership ownership : requested) {
            String key = ownership.getEventHubName() + "/" + ownership.getConsumerGroup() + "/" + ownership.getPartitionId();
            PartitionOwnership current = ownerships.get(key);
            if (current == null || Objects.equals(current.getETag(), ownership.getETag())) {
                ownership.setETag(UUID.randomUUID().toString()).setLastModifiedTime(System.currentTimeMillis());
                ownerships.put(key, copy(ownership));
                claimed.add(copy(ownership));
            }
        }
        return Flux.fromIterable(claimed);
    }

    /** Callers get copies: the store's state changes only through a claim. */
    private static PartitionOwnership copy(PartitionOwnership ownership) {
        return new PartitionOwnership().setFullyQualifiedNamespace(ownership.getFullyQualifiedNamespace())
                .setEventHubName(ownership.getEventHubName()).setConsumerGroup(ownership.getConsumerGroup())
                .setPartitionId(ownership.getPartitionId()).setOwnerId(ownership.getOwnerId())
                .setLastModifiedTime(ownership.getLastModifiedTime()).setETag(ownership.getETag());
    }

    @Override
    public Flux<Checkpoint> listCheckpoints(String namespace, String hub, String consumerGroup) {
        return Flux.fromIterable(List.copyOf(checkpoints.values()))
                .filter(checkpoint -> checkpoint.getEventHubName().equals(hub) && checkpoint.getConsumerGroup().equals(consumerGroup));
    }

    @Override
    public Mono<Void> updateCheckpoint(Checkpoint checkpoint) {
        checkpoints.put(checkpoint.getEventHubName() + "/" + checkpoint.getConsumerGroup() + "/" + checkpoint.getPartitionId(), checkpoint);
        return Mono.empty();
    }
}
