package io.iotconnect.localstack;

import io.iotconnect.testing.MosquittoBroker;
import io.moquette.broker.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The stack's MQTT broker: mosquitto from Debian's packages when it is installed or can be (root), configured not to
 * drop queued messages; otherwise an in-process Moquette broker, which speaks MQTT 3.1.1 only.
 */
final class MqttBrokerHandle implements AutoCloseable {

    private final String uri;
    private final String mqttVersion;
    private final String description;
    private final AutoCloseable stopper;

    private MqttBrokerHandle(String uri, String mqttVersion, String description, AutoCloseable stopper) {
        this.uri = uri;
        this.mqttVersion = mqttVersion;
        this.description = description;
        this.stopper = stopper;
    }

    static MqttBrokerHandle start(int port, Path dataDirectory, Path log) {
        try {
            MosquittoBroker.binary();
        } catch (IllegalStateException notInstallable) {
            return moquette(port, dataDirectory, notInstallable.getMessage());
        }
        MosquittoBroker broker = MosquittoBroker.builder().port(port).directory(dataDirectory).log(log).start();
        return new MqttBrokerHandle(broker.uri(), "5", "mosquitto (max_queued_messages 0), log " + broker.log(), broker);
    }

    private static MqttBrokerHandle moquette(int port, Path dataDirectory, String why) {
        Properties properties = new Properties();
        properties.setProperty("host", "127.0.0.1");
        properties.setProperty("port", Integer.toString(port));
        properties.setProperty("allow_anonymous", "true");
        properties.setProperty("persistence_enabled", "true");
        properties.setProperty("data_path", dataDirectory.toString());
        properties.setProperty("websocket_port", "disabled");
        // Per-session queue: large, so a lagging or restarting connector task does not make it drop messages.
        properties.setProperty("session_queue_size", "1000000");
        Server server = new Server();
        try {
            server.startServer(properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the in-process MQTT broker", e);
        }
        return new MqttBrokerHandle("tcp://127.0.0.1:" + port, "3.1.1",
                "in-process Moquette (MQTT 3.1.1) because " + why, server::stopServer);
    }

    String uri() {
        return uri;
    }

    /** The MQTT version the connector must speak to this broker. */
    String mqttVersion() {
        return mqttVersion;
    }

    String description() {
        return description;
    }

    @Override
    public void close() throws Exception {
        stopper.close();
    }
}
