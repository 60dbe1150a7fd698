package io.iotconnect.mqtt.client;

import io.iotconnect.common.config.ConfigProblemException;
import io.iotconnect.mqtt.config.TlsSettings;
import io.iotconnect.testing.TestCertificates;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SslContextsTest {

    private static TestCertificates certs;

    @BeforeAll
    static void certificates() {
        certs = TestCertificates.create();
    }

    private static TlsSettings pem(Password trusted, String keystoreLocation, Password chain, Password key) {
        return new TlsSettings("TLS", "PEM", null, null, trusted, "PEM", keystoreLocation, null, null, chain, key, true);
    }

    @Test
    void inlinePemTrustAndClientKey() throws Exception {
        TlsSettings tls = pem(new Password(certs.read(certs.caPem())), null,
                new Password(certs.read(certs.clientCertPem())), new Password(certs.read(certs.clientKeyPem())));
        assertThat(SslContexts.socketFactory(tls)).isNotNull();
        KeyStore keystore = SslContexts.keystore(tls);
        assertThat(keystore.isKeyEntry("client")).isTrue();
        assertThat(SslContexts.truststore(tls).size()).isEqualTo(1);
    }

    @Test
    void pemFileWithChainAndKeyTogether() throws Exception {
        Path combined = Files.createTempFile("client", ".pem");
        Files.writeString(combined, certs.read(certs.clientCertPem()) + certs.read(certs.clientKeyPem()));
        TlsSettings tls = new TlsSettings("TLS", "PEM", certs.caPem().toString(), null, null, "PEM", combined.toString(),
                null, null, null, null, true);
        assertThat(SslContexts.keystore(tls).isKeyEntry("client")).isTrue();
    }

    @Test
    void pkcs12Stores() throws Exception {
        Password password = new Password(TestCertificates.STORE_PASSWORD);
        TlsSettings tls = new TlsSettings("TLSv1.3", "PKCS12", certs.truststoreP12().toString(), password, null,
                "PKCS12", certs.keystoreP12().toString(), password, null, null, null, true);
        assertThat(SslContexts.socketFactory(tls)).isNotNull();
    }

    @Test
    void pkcs1RsaKeysAreAccepted() throws Exception {
        // Strip the PKCS#8 wrapper: the RSAPrivateKey is the OCTET STRING at the end of PrivateKeyInfo.
        String pkcs8 = certs.read(certs.clientKeyPem()).replaceAll("-----[A-Z ]+-----|\\s", "");
        byte[] der = Base64.getDecoder().decode(pkcs8);
        int offset = 26; // SEQUENCE hdr(4) + INTEGER 0 (3) + AlgorithmIdentifier (15) + OCTET STRING hdr (4)
        byte[] pkcs1 = java.util.Arrays.copyOfRange(der, offset, der.length);
        String pem = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1) + "\n-----END RSA PRIVATE KEY-----\n";
        assertThat(SslContexts.privateKey(pem, "k").getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void errorsNameTheKeyToFix() {
        assertThatThrownBy(() -> SslContexts.socketFactory(pem(new Password("not a certificate"), null, null, null)))
                .hasMessageStartingWith("mqtt.ssl.truststore.certificates");
        assertThatThrownBy(() -> SslContexts.socketFactory(pem(null, null, new Password(certs.read(certs.clientCertPem())), null)))
                .hasMessageContaining("mqtt.ssl.keystore.certificate.chain and mqtt.ssl.keystore.key go together");
        TlsSettings wrongPassword = new TlsSettings("TLS", "PKCS12", certs.truststoreP12().toString(), new Password("wrong"), null,
                "PKCS12", null, null, null, null, null, true);
        assertThatThrownBy(() -> SslContexts.socketFactory(wrongPassword)).hasMessageStartingWith("mqtt.ssl.truststore.location");
        TlsSettings missing = new TlsSettings("TLS", "JKS", "/nonexistent/store.jks", null, null,
                "PKCS12", null, null, null, null, null, true);
        assertThatThrownBy(() -> SslContexts.socketFactory(missing)).hasMessageStartingWith("mqtt.ssl.truststore.location: cannot read");
        assertThatThrownBy(() -> SslContexts.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----", "mqtt.ssl.keystore.key"))
                .hasMessageContaining("encrypted PEM keys are not supported");
    }

    @Test
    void failuresCarryTheKeyToFix() {
        assertThatThrownBy(() -> SslContexts.socketFactory(pem(new Password("not a certificate"), null, null, null)))
                .isInstanceOfSatisfying(ConfigProblemException.class,
                        e -> assertThat(e.key()).isEqualTo("mqtt.ssl.truststore.certificates"));
        assertThatThrownBy(() -> SslContexts.socketFactory(pem(null, null, new Password(certs.read(certs.clientCertPem())), null)))
                .isInstanceOfSatisfying(ConfigProblemException.class, e -> assertThat(e.key()).isEqualTo("mqtt.ssl.keystore.key"));
        TlsSettings missingKeystore = new TlsSettings("TLS", "PKCS12", null, null, null, "JKS", "/nonexistent/keys.jks",
                new Password("secret"), null, null, null, true);
        assertThatThrownBy(() -> SslContexts.socketFactory(missingKeystore))
                .isInstanceOfSatisfying(ConfigProblemException.class, e -> {
                    assertThat(e.key()).isEqualTo("mqtt.ssl.keystore.location");
                    assertThat(e.problem().message()).isEqualTo(e.getMessage()).startsWith("mqtt.ssl.keystore.location: cannot read");
                });
    }
}
