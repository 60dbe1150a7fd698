package io.iotconnect.mqtt.client;

/** Where a task's connection to the broker stands. */
public enum ConnectionState {
    CONNECTING,
    CONNECTED,
    DISCONNECTED,
    /** The broker refused the task (credentials, authorization, client id, protocol) or the task closed. */
    FAILED,
    CLOSED
}
