package io.iotconnect.iothub.client;

import reactor.core.publisher.Flux;

import java.util.List;

/** What the connector reads from an Event Hub: its partition ids and a partition's events. The SDK adapter is {@link SdkEventSource}. */
public interface EventSource extends AutoCloseable {

    /** The hub's partition ids; blocks within the SDK's retry budget, and throws when it is spent. */
    List<String> partitionIds();

    /**
     * A partition's events from a position, read on demand: the flux requests from the service only what its
     * subscriber requested (plus the SDK's prefetch). It ends with an error when the link is detached and completes
     * when the connection is closed (the SDK does not reopen it by itself).
     */
    Flux<IotHubEvent> receive(String partitionId, ReadPosition position);

    /**
     * The first sequence number the hub still holds in a partition, or null when it cannot say; blocks within the
     * SDK's retry budget. Used only to say what a start position skips.
     */
    default Long beginSequenceNumber(String partitionId) {
        return null;
    }

    /** The consumer group read through, for messages. */
    String consumerGroup();

    /** The hub's name, for messages. */
    String eventHubName();

    @Override
    void close();
}
