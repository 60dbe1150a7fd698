package io.iotconnect.testing;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A device stand-in: publishes with Paho's MQTT 5 client and waits for the broker to acknowledge each message. */
public final class MqttTestPublisher implements AutoCloseable {

    private final MqttAsyncClient client;

    public MqttTestPublisher(String uri) {
        this(uri, null, null);
    }

    public MqttTestPublisher(String uri, String username, String password) {
        try {
            client = new MqttAsyncClient(uri, "test-publisher-" + UUID.randomUUID(), new MemoryPersistence());
            MqttConnectionOptions options = new MqttConnectionOptions();
            options.setCleanStart(true);
            options.setAutomaticReconnect(false);
            if (username != null) {
                options.setUserName(username);
                options.setPassword(password.getBytes(StandardCharsets.UTF_8));
            }
            client.connect(options).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("test publisher cannot connect to " + uri, e);
        }
    }

    public void publish(String topic, String payload, int qos) {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, false, Map.of(), null);
    }

    public void publish(String topic, byte[] payload, int qos, boolean retained, Map<String, String> userProperties, String contentType) {
        MqttMessage message = new MqttMessage(payload, qos, retained, properties(userProperties, contentType));
        try {
            client.publish(topic, message).waitForCompletion(10_000);
        } catch (MqttException e) {
            throw new IllegalStateException("publish to " + topic + " failed", e);
        }
    }

    /**
     * Publishes many messages, keeping up to {@code window} unacknowledged at once, and waits for all to be
     * acknowledged by the broker.
     */
    public void publishAll(List<String> topics, List<byte[]> payloads, int qos, int window) {
        List<IMqttToken> pending = new ArrayList<>(window);
        try {
            for (int i = 0; i < payloads.size(); i++) {
                pending.add(client.publish(topics.get(i), new MqttMessage(payloads.get(i), qos, false, new MqttProperties())));
                if (pending.size() >= window) {
                    for (IMqttToken token : pending) {
                        token.waitForCompletion(30_000);
                    }
                    pending.clear();
                }
            }
            for (IMqttToken token : pending) {
                token.waitForCompletion(30_000);
            }
        } catch (MqttException e) {
            throw new IllegalStateException("bulk publish failed", e);
        }
    }

    private static MqttProperties properties(Map<String, String> userProperties, String contentType) {
        MqttProperties properties = new MqttProperties();
        if (!userProperties.isEmpty()) {
            List<UserProperty> list = new ArrayList<>();
            userProperties.forEach((k, v) -> list.add(new UserProperty(k, v)));
            properties.setUserProperties(list);
        }
        if (contentType != null) {
            properties.setContentType(contentType);
        }
        return properties;
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            // best effort in tests
        }
    }
}
