package io.iotconnect.iothub.client;

/** What the receive loop reports, for metrics. Called on SDK and scheduler threads. */
public interface ReceiverEvents {

    ReceiverEvents NONE = new ReceiverEvents() {
    };

    /** An event went into the buffer. */
    default void received(IotHubEvent event) {
    }

    /** A partition's receive ended and is being reopened. */
    default void reopening(String partitionId) {
    }

    /** A partition's link was taken by, or refused for, a reader with a higher owner level. */
    default void linkStolen(String partitionId) {
    }

    /** The hub sent an event at or below the sequence number the partition had reached; it was dropped. */
    default void replayDropped(String partitionId) {
    }

    /** The partition's next event came {@code missing} sequence numbers after the one it had reached. */
    default void sequenceGap(String partitionId, long missing) {
    }

    /** A partition opened at a start position past {@code skipped} events the hub still held. */
    default void skippedAtStart(String partitionId, long skipped) {
    }
}
