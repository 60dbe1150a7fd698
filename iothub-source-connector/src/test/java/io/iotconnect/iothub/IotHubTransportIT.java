package io.iotconnect.iothub;

import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.testing.AmqpGateway;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.EventHubsEndpoint;
import io.iotconnect.testing.EventHubsEndpoint.Event;
import io.iotconnect.testing.EventHubsEndpoint.PutToken;
import io.iotconnect.testing.HttpConnectProxy;
import io.iotconnect.testing.ManagedIdentityEndpoint;
import io.iotconnect.testing.TestCertificates;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ways to reach a hub other than the plain AMQP of the local endpoint, each through what stands in front of a real
 * namespace: AMQP over TLS signed in with the worker's managed identity (Microsoft Entra ID); AMQP over WebSockets
 * over TLS with a connection string; and the same through an HTTP proxy that asks for credentials. The in-repo
 * endpoint speaks plain AMQP, so an {@link AmqpGateway} terminates TLS (and WebSockets) in front of it, reached with
 * {@code iothub.custom.endpoint.address} as an application gateway would be; its certificate is signed by the test CA,
 * which this JVM's default trust store is pointed at, as a platform team adds a private CA. The managed identity
 * endpoint listens where {@code IDENTITY_ENDPOINT} (set by the module's failsafe configuration) points.
 */
class IotHubTransportIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String NAMESPACE = "iot-connect-test.servicebus.windows.net";

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    private static EventHubsEndpoint endpoint;
    private static AmqpGateway tls;
    private static AmqpGateway webSockets;
    private static HttpConnectProxy proxy;
    private static ManagedIdentityEndpoint identity;
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startServers() {
        TestCertificates certificates = TestCertificates.create();
        System.setProperty("javax.net.ssl.trustStore", certificates.truststoreP12().toString());
        System.setProperty("javax.net.ssl.trustStorePassword", TestCertificates.STORE_PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        endpoint = servers.add(EventHubsEndpoint.start());
        tls = servers.add(AmqpGateway.tls(certificates, endpoint.port()));
        webSockets = servers.add(AmqpGateway.webSockets(certificates, endpoint.port()));
        proxy = servers.add(HttpConnectProxy.withBasicAuth("fleet-proxy-user", "fleet-proxy-secret"));
        // The default SSLContext reads the trust store properties once, when it is first created: fail at once, with
        // the reason, if something in this JVM created it earlier (the module runs each IT class in a JVM of its own).
        try (SSLSocket probe = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", tls.port())) {
            probe.startHandshake();
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM's default SSLContext does not trust the test CA: it was created "
                    + "before this test pointed javax.net.ssl.trustStore at it; run the class in a JVM of its own", e);
        }
        identity = servers.add(ManagedIdentityEndpoint.fromEnvironment());
        connect = servers.connect("iothub-transport-it", 1);
    }

    private static Map<String, String> connectorProps(String hub, String topic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", IotHubSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, endpoint.connectionString(hub, NAMESPACE));
        props.put(IotHubSourceConfig.TOPIC_CONFIG, topic);
        props.put(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "string");
        props.put(IotHubSourceConfig.RETRY_DELAY_CONFIG, "100");
        props.put(IotHubSourceConfig.RETRY_MAX_DELAY_CONFIG, "1000");
        props.put(IotHubSourceConfig.RETRY_TRY_TIMEOUT_CONFIG, "10000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "1");
        return props;
    }

    /** Publishes 20 readings from each of 3 devices and returns the "device/n" of each. */
    private static List<String> publish(String hub) {
        endpoint.createHub(hub, 2);
        for (int d = 0; d < 3; d++) {
            String device = "device-" + d;
            endpoint.publishToDevicePartition(hub, device, IntStream.range(0, 20)
                    .mapToObj(n -> Event.telemetry(device, "{\"device\":\"" + device + "\",\"n\":" + n + "}"))
                    .toArray(Event[]::new));
        }
        return IntStream.range(0, 3).boxed()
                .flatMap(d -> IntStream.range(0, 20).mapToObj(n -> "device-" + d + "/{\"device\":\"device-" + d + "\",\"n\":" + n + "}"))
                .toList();
    }

    /** Runs the connector until {@code expected} records are in the topic, and returns them as "key/value". */
    private static List<String> readThrough(String name, Map<String, String> props, String topic, int expected) throws InterruptedException {
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "connector " + name + " did not start");
        try {
            List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), topic,
                    read -> read.size() >= expected, TIMEOUT);
            assertThat(connect.connectorStatus(name).tasks()).allSatisfy(task -> assertThat(task.state()).isEqualTo("RUNNING"));
            return records.stream().map(record -> new String(record.key(), StandardCharsets.UTF_8) + "/"
                    + new String(record.value(), StandardCharsets.UTF_8)).collect(Collectors.toList());
        } finally {
            connect.deleteConnector(name);
        }
    }

    private static List<PutToken> tokensFor(String hub) {
        List<PutToken> tokens = endpoint.tokensPut().stream().filter(token -> token.audience().contains("/" + hub)).toList();
        assertThat(tokens).as("tokens put for %s, of all %s", hub, endpoint.tokensPut()).isNotEmpty();
        return tokens;
    }

    @Test
    void managedIdentityOverAmqpWithTls() throws Exception {
        List<String> sent = publish("secure");
        Map<String, String> props = connectorProps("secure", "secure-telemetry");
        props.remove(IotHubSourceConfig.CONNECTION_STRING_CONFIG);
        props.put(IotHubSourceConfig.AUTH_TYPE_CONFIG, "managed-identity");
        props.put(IotHubSourceConfig.NAMESPACE_CONFIG, NAMESPACE);
        props.put(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "secure");
        props.put(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG, tls.address());
        long connections = tls.connections();
        long issued = identity.issued();

        List<String> received = readThrough("secure", props, "secure-telemetry", sent.size());

        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(tls.connections()).as("connections through TLS").isGreaterThan(connections);
        assertThat(identity.issued()).as("tokens from the managed identity endpoint").isGreaterThan(issued);
        List<PutToken> tokens = tokensFor("secure");
        assertThat(tokens).isNotEmpty().allSatisfy(token -> {
            assertThat(token.type()).isEqualTo("jwt");
            assertThat(token.token()).isEqualTo(ManagedIdentityEndpoint.TOKEN);
            assertThat(token.audience()).contains(NAMESPACE);
        });
    }

    @Test
    void connectionStringOverWebSockets() throws Exception {
        List<String> sent = publish("walled");
        Map<String, String> props = connectorProps("walled", "walled-telemetry");
        props.put(IotHubSourceConfig.TRANSPORT_CONFIG, "amqp-web-sockets");
        props.put(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG, webSockets.address());
        long upgrades = webSockets.upgrades();

        List<String> received = readThrough("walled", props, "walled-telemetry", sent.size());

        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(webSockets.upgrades()).as("WebSocket upgrades").isGreaterThan(upgrades);
        assertThat(webSockets.refusedUpgrades()).isZero();
        assertThat(tokensFor("walled")).isNotEmpty()
                .allSatisfy(token -> assertThat(token.type()).isEqualTo("servicebus.windows.net:sastoken"));
    }

    @Test
    void webSocketsThroughAProxyThatAsksForCredentials() throws Exception {
        List<String> sent = publish("proxied");
        Map<String, String> props = connectorProps("proxied", "proxied-telemetry");
        props.put(IotHubSourceConfig.TRANSPORT_CONFIG, "amqp-web-sockets");
        props.put(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG, webSockets.address());
        props.put(IotHubSourceConfig.PROXY_HOST_CONFIG, "127.0.0.1");
        props.put(IotHubSourceConfig.PROXY_PORT_CONFIG, String.valueOf(proxy.port()));
        props.put(IotHubSourceConfig.PROXY_USERNAME_CONFIG, "fleet-proxy-user");
        props.put(IotHubSourceConfig.PROXY_PASSWORD_CONFIG, "fleet-proxy-secret");
        int tunnels = proxy.tunnelTargets().size();

        List<String> received = readThrough("proxied", props, "proxied-telemetry", sent.size());

        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
        assertThat(proxy.tunnelTargets()).as("tunnels the proxy opened").hasSizeGreaterThan(tunnels)
                .allSatisfy(target -> assertThat(target).isEqualTo("127.0.0.1:" + webSockets.port()));
    }
}
