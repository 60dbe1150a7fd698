package io.iotconnect.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A self-signed CA with a server certificate for 127.0.0.1/localhost and a client certificate, written as PEM files
 * and PKCS12 stores into a directory, for TLS and mutual-TLS tests.
 */
public final class TestCertificates {

    public static final String STORE_PASSWORD = "changeit";
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path directory;

    private TestCertificates(Path directory) {
        this.directory = directory;
    }

    public static TestCertificates create() {
        try {
            Path directory = Files.createTempDirectory("test-certs-");
            KeyPair caKeys = rsa();
            X509Certificate ca = certificate("CN=iot-connect test CA", caKeys, "CN=iot-connect test CA", caKeys, true, false);
            KeyPair serverKeys = rsa();
            X509Certificate server = certificate("CN=localhost", serverKeys, "CN=iot-connect test CA", caKeys, false, true);
            KeyPair clientKeys = rsa();
            X509Certificate client = certificate("CN=iot-connect-client", clientKeys, "CN=iot-connect test CA", caKeys, false, false);

            TestCertificates certs = new TestCertificates(directory);
            Files.writeString(certs.caPem(), pem("CERTIFICATE", ca.getEncoded()));
            Files.writeString(certs.serverCertPem(), pem("CERTIFICATE", server.getEncoded()));
            Files.writeString(certs.serverKeyPem(), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()));
            Files.writeString(certs.clientCertPem(), pem("CERTIFICATE", client.getEncoded()));
            Files.writeString(certs.clientKeyPem(), pem("PRIVATE KEY", clientKeys.getPrivate().getEncoded()));

            KeyStore truststore = KeyStore.getInstance("PKCS12");
            truststore.load(null, null);
            truststore.setCertificateEntry("ca", ca);
            try (OutputStream out = Files.newOutputStream(certs.truststoreP12())) {
                truststore.store(out, STORE_PASSWORD.toCharArray());
            }
            KeyStore keystore = KeyStore.getInstance("PKCS12");
            keystore.load(null, null);
            keystore.setKeyEntry("client", clientKeys.getPrivate(), STORE_PASSWORD.toCharArray(), new Certificate[] {client, ca});
            try (OutputStream out = Files.newOutputStream(certs.keystoreP12())) {
                keystore.store(out, STORE_PASSWORD.toCharArray());
            }
            KeyStore serverStore = KeyStore.getInstance("PKCS12");
            serverStore.load(null, null);
            serverStore.setKeyEntry("server", serverKeys.getPrivate(), STORE_PASSWORD.toCharArray(), new Certificate[] {server, ca});
            try (OutputStream out = Files.newOutputStream(certs.serverKeystoreP12())) {
                serverStore.store(out, STORE_PASSWORD.toCharArray());
            }
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create test certificates", e);
        }
    }

    public Path caPem() {
        return directory.resolve("ca.pem");
    }

    public Path serverCertPem() {
        return directory.resolve("server.pem");
    }

    public Path serverKeyPem() {
        return directory.resolve("server-key.pem");
    }

    public Path clientCertPem() {
        return directory.resolve("client.pem");
    }

    public Path clientKeyPem() {
        return directory.resolve("client-key.pem");
    }

    public Path truststoreP12() {
        return directory.resolve("truststore.p12");
    }

    public Path keystoreP12() {
        return directory.resolve("client-keystore.p12");
    }

    /** The server's key and certificate (CN=localhost) with the CA, for test HTTPS servers. */
    public Path serverKeystoreP12() {
        return directory.resolve("server-keystore.p12");
    }

    public String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The broker side: CA, server certificate and key. */
    public MosquittoBroker.Tls brokerTls(boolean requireClientCertificate) {
        return new MosquittoBroker.Tls(caPem(), serverCertPem(), serverKeyPem(), requireClientCertificate);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, KeyPair issuerKeys,
                                               boolean isCa, boolean isServer) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))), new X500Name(subject), subjectKeys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        }
        if (isServer) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKeys.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
