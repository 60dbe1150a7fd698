package io.iotconnect.mqtt;

import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.TestCertificates;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS and mutual TLS against mosquitto with a self-signed CA, with credentials: PEM inline, PEM files and PKCS12
 * stores; and the clear failures when the client certificate or the password is missing.
 */
class MqttSourceTlsIT {

    private static TestCertificates certs;
    private static MosquittoBroker broker;
    private static EmbeddedConnectCluster connect;
    private static MqttTestPublisher publisher;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        certs = TestCertificates.create();
        broker = servers.add(MosquittoBroker.builder().tls(certs.brokerTls(true)).user("device", "device-secret").user("connect", "s3cret-pass").start());
        connect = servers.connect("mqtt-tls-it", 1);
        publisher = servers.add(new MqttTestPublisher(broker.uri(), "device", "device-secret"));
    }

    private static Map<String, String> tlsProps(String mqttTopic, String kafkaTopic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", MqttSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put("mqtt.server.uris", broker.tlsUri());
        props.put("mqtt.topics", mqttTopic);
        props.put("mqtt.kafka.topic", kafkaTopic);
        props.put("mqtt.username", "connect");
        props.put("mqtt.password", "s3cret-pass");
        props.put("mqtt.value.format", "string");
        props.put("mqtt.key.source", "none");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "1");
        return props;
    }

    private static void assertDelivered(String connector, Map<String, String> props, String mqttTopic, String kafkaTopic) throws Exception {
        connect.configureConnector(connector, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(connector, 1, "TLS connector did not start");
        publisher.publish(mqttTopic, "reading over TLS via " + connector, 1);
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), kafkaTopic, r -> r.size() >= 1, Duration.ofSeconds(60));
        assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8)).containsExactly("reading over TLS via " + connector);
        connect.deleteConnector(connector);
    }

    @Test
    void mutualTlsWithInlinePem() throws Exception {
        Map<String, String> props = tlsProps("tls/pem", "tls-pem");
        props.put("mqtt.ssl.truststore.type", "PEM");
        props.put("mqtt.ssl.truststore.certificates", certs.read(certs.caPem()));
        props.put("mqtt.ssl.keystore.type", "PEM");
        props.put("mqtt.ssl.keystore.certificate.chain", certs.read(certs.clientCertPem()));
        props.put("mqtt.ssl.keystore.key", certs.read(certs.clientKeyPem()));
        assertDelivered("tls-pem", props, "tls/pem", "tls-pem");
    }

    @Test
    void mutualTlsWithPemFiles() throws Exception {
        Map<String, String> props = tlsProps("tls/pemfile", "tls-pemfile");
        props.put("mqtt.ssl.truststore.type", "PEM");
        props.put("mqtt.ssl.truststore.location", certs.caPem().toString());
        java.nio.file.Path combined = java.nio.file.Files.createTempFile("client-chain-and-key", ".pem");
        java.nio.file.Files.writeString(combined, certs.read(certs.clientCertPem()) + certs.read(certs.clientKeyPem()));
        props.put("mqtt.ssl.keystore.type", "PEM");
        props.put("mqtt.ssl.keystore.location", combined.toString());
        assertDelivered("tls-pemfile", props, "tls/pemfile", "tls-pemfile");
    }

    @Test
    void mutualTlsWithPkcs12Stores() throws Exception {
        Map<String, String> props = tlsProps("tls/p12", "tls-p12");
        props.put("mqtt.ssl.truststore.type", "PKCS12");
        props.put("mqtt.ssl.truststore.location", certs.truststoreP12().toString());
        props.put("mqtt.ssl.truststore.password", TestCertificates.STORE_PASSWORD);
        props.put("mqtt.ssl.keystore.type", "PKCS12");
        props.put("mqtt.ssl.keystore.location", certs.keystoreP12().toString());
        props.put("mqtt.ssl.keystore.password", TestCertificates.STORE_PASSWORD);
        assertDelivered("tls-p12", props, "tls/p12", "tls-p12");
    }

    @Test
    void missingClientCertificateFailsTheTaskWithTheReason() throws Exception {
        Map<String, String> props = tlsProps("tls/nocert", "tls-nocert");
        props.put("mqtt.ssl.truststore.type", "PEM");
        props.put("mqtt.ssl.truststore.location", certs.caPem().toString());
        connect.configureConnector("tls-nocert", props);
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("tls-nocert", 1, "task should fail without a client certificate");
        String trace = connect.connectorStatus("tls-nocert").tasks().get(0).trace();
        assertThat(trace).contains("refused client tls-nocert-0");
        connect.deleteConnector("tls-nocert");
    }

    @Test
    void wrongPasswordFailsTheTaskWithTheReasonAndNoSecretInIt() throws Exception {
        Map<String, String> props = tlsProps("tls/badpass", "tls-badpass");
        props.put("mqtt.server.uris", broker.uri());
        props.put("mqtt.password", "wrong-password-xyz");
        connect.configureConnector("tls-badpass", props);
        connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("tls-badpass", 1, "task should fail with a wrong password");
        String trace = connect.connectorStatus("tls-badpass").tasks().get(0).trace();
        assertThat(trace).contains("refused client tls-badpass-0").contains("credentials");
        assertThat(trace).doesNotContain("wrong-password-xyz");
        connect.deleteConnector("tls-badpass");
    }
}
