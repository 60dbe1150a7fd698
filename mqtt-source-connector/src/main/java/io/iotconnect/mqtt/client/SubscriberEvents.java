package io.iotconnect.mqtt.client;

/** What a subscriber reports as it runs; the task's metrics implement it. */
public interface SubscriberEvents {

    SubscriberEvents NONE = new SubscriberEvents() {
    };

    default void messageArrived(MqttMessageEnvelope message) {
    }

    default void messageAcknowledged() {
    }

    /** An acknowledgement was not sent because its connection had ended; the broker will redeliver the message. */
    default void acknowledgementDropped() {
    }

    default void connected(boolean reconnect) {
    }

    default void connectionLost() {
    }
}
