package io.iotconnect.iothub.client;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.AmqpTransportType;
import com.azure.core.amqp.ProxyAuthenticationType;
import com.azure.core.amqp.ProxyOptions;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import io.iotconnect.common.azure.EntraIdCredentials;
import io.iotconnect.iothub.config.AuthType;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.config.Transport;
import org.apache.kafka.connect.errors.ConnectException;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;

/** Builds the SDK consumer from the connector's configuration. */
public final class EventHubClients {

    private EventHubClients() {
    }

    public static EventSource eventSource(IotHubSourceConfig config) {
        EventHubClientBuilder builder = new EventHubClientBuilder()
                .consumerGroup(config.consumerGroup())
                .prefetchCount(config.prefetchCount())
                .transportType(config.transport() == Transport.AMQP_WEB_SOCKETS ? AmqpTransportType.AMQP_WEB_SOCKETS : AmqpTransportType.AMQP)
                .retryOptions(new AmqpRetryOptions()
                        .setMode(AmqpRetryMode.EXPONENTIAL)
                        .setMaxRetries(config.retryMaxRetries())
                        .setDelay(config.retryDelay())
                        .setMaxDelay(config.retryMaxDelay())
                        .setTryTimeout(config.retryTryTimeout()));
        if (config.authType() == AuthType.CONNECTION_STRING) {
            // Unchanged, so that options such as UseDevelopmentEmulator=true reach the SDK.
            String connectionString = config.connectionString().value();
            try {
                if (config.connectionStringPart("EntityPath").isPresent()) {
                    builder.connectionString(connectionString);
                } else {
                    builder.connectionString(connectionString, config.eventHubName());
                }
            } catch (RuntimeException e) {
                // The SDK's message can quote a part of the connection string, the key among them: neither it nor the
                // exception (whose message Connect would show in the task's trace) goes any further.
                throw new ConnectException("the Event Hubs SDK refused the connection string in "
                        + IotHubSourceConfig.CONNECTION_STRING_CONFIG + " (" + e.getClass().getSimpleName() + "); copy the "
                        + "whole Event Hubs-compatible connection string again from the IoT Hub's Built-in endpoints");
            }
        } else {
            builder.credential(config.namespace(), config.eventHubName(), EntraIdCredentials.credential(config.entraIdSettings()));
        }
        config.customEndpointAddress().ifPresent(builder::customEndpointAddress);
        config.proxyHost().ifPresent(host -> {
            Proxy proxy = new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, config.proxyPort()));
            builder.proxyOptions(config.proxyUsername()
                    .map(user -> new ProxyOptions(ProxyAuthenticationType.BASIC, proxy, user, config.proxyPassword().value()))
                    .orElseGet(() -> new ProxyOptions(ProxyAuthenticationType.NONE, proxy, null, null)));
        });
        // A lookup may take every retry of the SDK; wait for all of them, and a little more.
        Duration lookupTimeout = config.retryTryTimeout().multipliedBy(config.retryMaxRetries() + 1L)
                .plus(config.retryMaxDelay().multipliedBy(config.retryMaxRetries())).plusSeconds(5);
        return new SdkEventSource(builder.buildAsyncConsumerClient(), config.ownerLevel(), lookupTimeout);
    }
}
