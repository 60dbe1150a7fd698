package io.iotconnect.mqtt;

import io.iotconnect.mqtt.client.InboundQueue;
import io.iotconnect.mqtt.client.MqttSubscriber;
import io.iotconnect.mqtt.client.PahoV3Subscriber;
import io.iotconnect.mqtt.client.PahoV5Subscriber;
import io.iotconnect.mqtt.client.SslContexts;
import io.iotconnect.mqtt.client.SubscriberEvents;
import io.iotconnect.mqtt.config.MqttSourceTaskConfig;
import io.iotconnect.mqtt.config.MqttVersion;
import org.apache.kafka.connect.errors.ConnectException;

import javax.net.ssl.SSLSocketFactory;

/** Builds the task's subscriber for the configured protocol version. */
final class MqttSubscribers {

    private MqttSubscribers() {
    }

    static MqttSubscriber create(MqttSourceTaskConfig config, InboundQueue queue, SubscriberEvents events) {
        SSLSocketFactory socketFactory = null;
        if (config.usesTls()) {
            try {
                socketFactory = SslContexts.socketFactory(config.tls());
            } catch (IllegalArgumentException e) {
                throw new ConnectException(e.getMessage(), e);
            }
        }
        MqttSubscriber.Settings settings = new MqttSubscriber.Settings(
                config.clientId(),
                config.serverUris(),
                config.taskFilters(),
                config.subscriptionQos(),
                config.cleanStart(),
                config.sessionExpirySeconds(),
                config.keepAliveSeconds(),
                config.connectionTimeoutSeconds(),
                config.receiveMaximum(),
                config.packetMaxBytes(),
                config.username().orElse(null),
                config.password().map(p -> p.value().toCharArray()).orElse(null),
                socketFactory,
                config.tls().endpointIdentification(),
                config.reconnectBackoffInitial(),
                config.reconnectBackoffMax());
        return config.mqttVersion() == MqttVersion.V5
                ? new PahoV5Subscriber(settings, queue, events)
                : new PahoV3Subscriber(settings, queue, events);
    }
}
