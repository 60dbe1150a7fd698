package io.iotconnect.mqtt.client;

import io.iotconnect.common.config.ConfigProblemException;
import io.iotconnect.mqtt.config.TlsSettings;
import org.apache.kafka.common.config.types.Password;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_KEYSTORE_KEY_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_KEYSTORE_LOCATION_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_KEYSTORE_PASSWORD_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_KEYSTORE_TYPE_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_KEY_PASSWORD_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_PROTOCOL_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_TRUSTSTORE_CERTIFICATES_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_TRUSTSTORE_LOCATION_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG;
import static io.iotconnect.mqtt.config.MqttSourceConnectorConfig.SSL_TRUSTSTORE_TYPE_CONFIG;

/**
 * Builds the TLS socket factory for ssl:// and wss:// broker URIs from key and trust stores (PKCS12, JKS) or PEM,
 * given as files or inline. Every failure is a {@link ConfigProblemException} that carries the config key to fix;
 * its message starts with that key (or, for a failure of the JVM's TLS providers, says so).
 */
public final class SslContexts {

    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final char[] NO_PASSWORD = new char[0];

    private SslContexts() {
    }

    /** The socket factory for the settings; a thrown {@link ConfigProblemException} carries the key at fault. */
    public static SSLSocketFactory socketFactory(TlsSettings tls) {
        TrustManagerFactory trust = null;
        if (tls.hasTruststore()) {
            try {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(truststore(tls));
            } catch (GeneralSecurityException e) {
                throw setupFailed(tls.truststoreCertificates() != null ? SSL_TRUSTSTORE_CERTIFICATES_CONFIG
                        : SSL_TRUSTSTORE_LOCATION_CONFIG, e);
            }
        }
        KeyManagerFactory keys = null;
        if (tls.hasKeystore()) {
            try {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(keystore(tls), keyPassword(tls));
            } catch (java.security.UnrecoverableKeyException e) {
                throw setupFailed(SSL_KEY_PASSWORD_CONFIG, e);
            } catch (GeneralSecurityException e) {
                throw setupFailed(tls.keystoreCertificateChain() != null ? SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG
                        : SSL_KEYSTORE_LOCATION_CONFIG, e);
            }
        }
        try {
            SSLContext context = SSLContext.getInstance(tls.protocol());
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw setupFailed(SSL_PROTOCOL_CONFIG, e);
        }
    }

    private static ConfigProblemException setupFailed(String key, GeneralSecurityException e) {
        return new ConfigProblemException(key, "TLS setup failed: " + e.getMessage(), e);
    }

    static KeyStore truststore(TlsSettings tls) throws GeneralSecurityException {
        String key = tls.truststoreCertificates() != null ? SSL_TRUSTSTORE_CERTIFICATES_CONFIG : SSL_TRUSTSTORE_LOCATION_CONFIG;
        if ("PEM".equals(tls.truststoreType())) {
            String pem = tls.truststoreCertificates() != null ? tls.truststoreCertificates().value()
                    : read(tls.truststoreLocation(), SSL_TRUSTSTORE_LOCATION_CONFIG);
            List<Certificate> certificates = certificates(pem, key);
            if (certificates.isEmpty()) {
                throw new ConfigProblemException(key, key + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
            }
            KeyStore store = emptyStore();
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        }
        if (tls.truststoreCertificates() != null) {
            throw new ConfigProblemException(SSL_TRUSTSTORE_CERTIFICATES_CONFIG,
                    SSL_TRUSTSTORE_CERTIFICATES_CONFIG + " needs " + SSL_TRUSTSTORE_TYPE_CONFIG + "=PEM");
        }
        return load(tls.truststoreType(), tls.truststoreLocation(), tls.truststorePassword(),
                SSL_TRUSTSTORE_LOCATION_CONFIG, SSL_TRUSTSTORE_PASSWORD_CONFIG);
    }

    static KeyStore keystore(TlsSettings tls) throws GeneralSecurityException {
        if ("PEM".equals(tls.keystoreType())) {
            String chainPem;
            String keyPem;
            String chainKey;
            String keyKey;
            if (tls.keystoreCertificateChain() != null || tls.keystoreKey() != null) {
                if (tls.keystoreCertificateChain() == null || tls.keystoreKey() == null) {
                    throw new ConfigProblemException(tls.keystoreKey() == null ? SSL_KEYSTORE_KEY_CONFIG : SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG,
                            SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG + " and " + SSL_KEYSTORE_KEY_CONFIG + " go together: set both");
                }
                chainPem = tls.keystoreCertificateChain().value();
                keyPem = tls.keystoreKey().value();
                chainKey = SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG;
                keyKey = SSL_KEYSTORE_KEY_CONFIG;
            } else {
                chainPem = keyPem = read(tls.keystoreLocation(), SSL_KEYSTORE_LOCATION_CONFIG);
                chainKey = keyKey = SSL_KEYSTORE_LOCATION_CONFIG;
            }
            List<Certificate> chain = certificates(chainPem, chainKey);
            if (chain.isEmpty()) {
                throw new ConfigProblemException(chainKey, chainKey + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
            }
            PrivateKey key = privateKey(keyPem, keyKey);
            KeyStore store = emptyStore();
            store.setKeyEntry("client", key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            return store;
        }
        if (tls.keystoreCertificateChain() != null || tls.keystoreKey() != null) {
            throw new ConfigProblemException(tls.keystoreCertificateChain() != null ? SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG
                    : SSL_KEYSTORE_KEY_CONFIG, SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG + " and " + SSL_KEYSTORE_KEY_CONFIG
                    + " need " + SSL_KEYSTORE_TYPE_CONFIG + "=PEM");
        }
        return load(tls.keystoreType(), tls.keystoreLocation(), tls.keystorePassword(),
                SSL_KEYSTORE_LOCATION_CONFIG, SSL_KEYSTORE_PASSWORD_CONFIG);
    }

    private static char[] keyPassword(TlsSettings tls) {
        if ("PEM".equals(tls.keystoreType())) {
            return NO_PASSWORD;
        }
        Password password = tls.keyPassword() != null ? tls.keyPassword() : tls.keystorePassword();
        return password == null ? NO_PASSWORD : password.value().toCharArray();
    }

    private static KeyStore load(String type, String location, Password password, String locationKey, String passwordKey)
            throws GeneralSecurityException {
        if (location == null || location.isBlank()) {
            throw new ConfigProblemException(locationKey, locationKey + " is required for a " + type + " store");
        }
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            store.load(in, password == null ? null : password.value().toCharArray());
        } catch (IOException e) {
            throw new ConfigProblemException(locationKey, locationKey + ": cannot read " + type + " store '" + location + "': "
                    + e.getMessage()
                    + (e.getCause() instanceof java.security.UnrecoverableKeyException ? " (check " + passwordKey + ")" : ""), e);
        }
        return store;
    }

    private static String read(String location, String key) {
        if (location == null || location.isBlank()) {
            throw new ConfigProblemException(key, key + " is required for type PEM (or give the PEM inline)");
        }
        try {
            return Files.readString(Path.of(location), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new ConfigProblemException(key, key + ": cannot read '" + location + "': " + e.getMessage(), e);
        }
    }

    private static List<Certificate> certificates(String pem, String key) {
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(onlyCertificates(pem).getBytes(StandardCharsets.US_ASCII)));
            return new ArrayList<>(parsed);
        } catch (GeneralSecurityException e) {
            throw new ConfigProblemException(key, key + ": not valid PEM certificates: " + e.getMessage(), e);
        }
    }

    /** The CERTIFICATE blocks of a PEM text, so a file holding a chain and a key can serve both. */
    private static String onlyCertificates(String pem) {
        StringBuilder out = new StringBuilder();
        Matcher matcher = Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----").matcher(pem);
        while (matcher.find()) {
            out.append(matcher.group()).append('\n');
        }
        return out.toString();
    }

    static PrivateKey privateKey(String pem, String key) {
        Matcher matcher = PEM_KEY.matcher(pem);
        if (!matcher.find()) {
            throw new ConfigProblemException(key, key + ": no PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----) found");
        }
        String kind = matcher.group(1);
        byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
        switch (kind) {
            case "ENCRYPTED PRIVATE KEY":
                throw new ConfigProblemException(key, key + ": encrypted PEM keys are not supported; decrypt it "
                        + "(openssl pkcs8 -topk8 -nocrypt) or use a PKCS12 key store with " + SSL_KEY_PASSWORD_CONFIG);
            case "EC PRIVATE KEY":
                throw new ConfigProblemException(key, key + ": SEC1 EC keys are not supported; convert to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)");
            case "RSA PRIVATE KEY":
                der = pkcs1ToPkcs8(der);
                break;
            default:
                break;
        }
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519", "Ed448", "DSA"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new ConfigProblemException(key, key + ": the PEM private key is not an RSA, EC, EdDSA or DSA key in PKCS#8");
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, NULL params). */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] rsaAlgorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(rsaAlgorithm);
        body.writeBytes(derHeader(0x04, pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(derHeader(0x30, body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derHeader(int tag, int length) {
        if (length < 0x80) {
            return new byte[] {(byte) tag, (byte) length};
        }
        if (length < 0x100) {
            return new byte[] {(byte) tag, (byte) 0x81, (byte) length};
        }
        if (length < 0x10000) {
            return new byte[] {(byte) tag, (byte) 0x82, (byte) (length >> 8), (byte) length};
        }
        return new byte[] {(byte) tag, (byte) 0x83, (byte) (length >> 16), (byte) (length >> 8), (byte) length};
    }

    private static KeyStore emptyStore() throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        return store;
    }
}
