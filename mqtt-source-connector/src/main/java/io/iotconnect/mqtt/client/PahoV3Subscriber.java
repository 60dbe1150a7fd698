package io.iotconnect.mqtt.client;

import io.iotconnect.mqtt.config.TopicFilter;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.Collections;
import java.util.List;
import java.util.Set;

/** {@link MqttSubscriber} over the Paho MQTT 3.1.1 client. */
public final class PahoV3Subscriber extends MqttSubscriber {

    /** CONNACK return codes that no retry fixes: protocol version, client id, credentials, authorization. */
    private static final Set<Integer> REFUSALS = Set.of(
            (int) MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION,
            (int) MqttException.REASON_CODE_INVALID_CLIENT_ID,
            (int) MqttException.REASON_CODE_FAILED_AUTHENTICATION,
            (int) MqttException.REASON_CODE_NOT_AUTHORIZED);

    private final MqttAsyncClient client;

    public PahoV3Subscriber(Settings settings, InboundQueue queue, SubscriberEvents events) {
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
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setServerURIs(settings.serverUris().toArray(String[]::new));
        options.setCleanSession(settings.cleanStart());
        options.setKeepAliveInterval(settings.keepAliveSeconds());
        options.setConnectionTimeout(settings.connectionTimeoutSeconds());
        options.setAutomaticReconnect(false);
        if (settings.username() != null) {
            options.setUserName(settings.username());
        }
        if (settings.password() != null) {
            options.setPassword(settings.password());
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
        String[] texts = new String[filters.size()];
        int[] qos = new int[filters.size()];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = filters.get(i).text();
            qos[i] = settings.qos();
        }
        IMqttToken token = client.subscribe(texts, qos);
        token.waitForCompletion(settings.connectionTimeoutSeconds() * 1000L);
        int[] granted = token.getGrantedQos();
        for (int i = 0; granted != null && i < granted.length && i < texts.length; i++) {
            if (granted[i] == 0x80) {
                throw new SubscriptionRefusedException("broker refused subscription to '" + texts[i]
                        + "' (SUBACK failure 0x80: not authorized, or the filter is not supported)");
            }
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

    private final class Callback implements MqttCallbackExtended {
        @Override
        public void connectionLost(Throwable cause) {
            PahoV3Subscriber.this.connectionLost(cause);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            deliver(topic, message.getPayload(), message.getQos(), message.isRetained(), message.isDuplicate(), message.getId(),
                    Collections.emptyList(), null);
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // The connector does not publish.
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // Connection state is tracked by MqttSubscriber from the connect token.
        }
    }
}
