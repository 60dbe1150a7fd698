package io.iotconnect.mqtt.client;

import io.iotconnect.mqtt.config.TopicFilter;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@link MqttSubscriber} over the Paho MQTT 5 client. */
public final class PahoV5Subscriber extends MqttSubscriber {

    /** CONNACK reason codes that no retry fixes: protocol, client id, credentials, authorization, banned, auth method. */
    private static final Set<Integer> REFUSALS = Set.of(0x84, 0x85, 0x86, 0x87, 0x8A, 0x8C);

    private final MqttAsyncClient client;

    public PahoV5Subscriber(Settings settings, InboundQueue queue, SubscriberEvents events) {
        super(settings, queue, events);
        try {
            this.client = new MqttAsyncClient(settings.serverUris().get(0), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create MQTT client " + settings.clientId() + ": " + e.getMessage(), e);
        }
        client.setManualAcks(true);
        client.setCallback(new Callback());
    }

    @Override
    protected boolean connectClient() throws MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(settings.serverUris().toArray(String[]::new));
        options.setCleanStart(settings.cleanStart());
        options.setSessionExpiryInterval(settings.sessionExpirySeconds());
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setConnectionTimeout(settings.connectionTimeoutSeconds());
        options.setAutomaticReconnect(false);
        options.setReceiveMaximum(settings.receiveMaximum());
        // The broker sends nothing larger, so a device cannot make the worker hold an arbitrary amount of memory.
        options.setMaximumPacketSize(settings.maximumPacketSize());
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(new String(settings.password()).getBytes(StandardCharsets.UTF_8));
        }
        if (settings.socketFactory() != null) {
            options.setSocketFactory(settings.socketFactory());
        }
        options.setHttpsHostnameVerificationEnabled(settings.hostnameVerification());
        IMqttToken token = client.connect(options);
        token.waitForCompletion(settings.connectionTimeoutSeconds() * 1000L + 1000L);
        return token.getSessionPresent();
    }

    @Override
    protected void subscribeClient() throws Exception {
        List<TopicFilter> filters = settings.filters();
        MqttSubscription[] subscriptions = new MqttSubscription[filters.size()];
        for (int i = 0; i < subscriptions.length; i++) {
            subscriptions[i] = new MqttSubscription(filters.get(i).text(), settings.qos());
        }
        IMqttToken token = client.subscribe(subscriptions);
        token.waitForCompletion(settings.connectionTimeoutSeconds() * 1000L);
        int[] codes = token.getReasonCodes();
        for (int i = 0; codes != null && i < codes.length && i < filters.size(); i++) {
            if (codes[i] >= 0x80) {
                throw new SubscriptionRefusedException("broker refused subscription to '" + filters.get(i)
                        + "' with reason code 0x" + Integer.toHexString(codes[i]) + " (" + subscribeReason(codes[i]) + ")");
            }
        }
    }

    private static String subscribeReason(int code) {
        switch (code) {
            case 0x87: return "not authorized";
            case 0x8F: return "topic filter invalid";
            case 0x97: return "quota exceeded";
            case 0x9E: return "shared subscriptions not supported";
            case 0xA1: return "subscription identifiers not supported";
            case 0xA2: return "wildcard subscriptions not supported";
            default: return "unspecified error";
        }
    }

    @Override
    protected void acknowledgeClient(int messageId, int qos) throws MqttException {
        client.messageArrivedComplete(messageId, qos);
    }

    @Override
    protected void closeClient() throws MqttException {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
        } finally {
            client.close(true);
        }
    }

    @Override
    protected boolean isRefusedByBroker(Exception e) {
        return e instanceof MqttException mqtt && REFUSALS.contains(mqtt.getReasonCode());
    }

    private final class Callback implements MqttCallback {
        @Override
        public void disconnected(MqttDisconnectResponse response) {
            connectionLost(response.getException() != null ? response.getException()
                    : new IllegalStateException("broker sent DISCONNECT with reason code 0x" + Integer.toHexString(response.getReturnCode())
                    + (response.getReasonString() == null ? "" : ": " + response.getReasonString())));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            connectionLost(exception);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            MqttProperties properties = message.getProperties();
            List<Map.Entry<String, String>> userProperties = Collections.emptyList();
            String contentType = null;
            if (properties != null) {
                contentType = properties.getContentType();
                List<UserProperty> user = properties.getUserProperties();
                if (user != null && !user.isEmpty()) {
                    userProperties = new ArrayList<>(user.size());
                    for (UserProperty property : user) {
                        userProperties.add(Map.entry(property.getKey(), property.getValue()));
                    }
                }
            }
            deliver(topic, message.getPayload(), message.getQos(), message.isRetained(), message.isDuplicate(), message.getId(),
                    userProperties, contentType);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // The connector does not publish.
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // Connection state is tracked by MqttSubscriber from the connect token.
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // Enhanced authentication is not used.
        }
    }
}
