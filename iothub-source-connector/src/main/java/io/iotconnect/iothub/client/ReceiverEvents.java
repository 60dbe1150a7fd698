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
}
