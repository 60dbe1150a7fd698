package io.iotconnect.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Properties;
import java.util.Set;

/**
 * The local stack's login to its Connect worker's REST API: Kafka's {@code BasicAuthSecurityRestExtension} with its
 * {@code PropertyFileLoginModule}, the user and a password drawn anew at every start in
 * {@code connect-credentials.properties} of the state directory (owner-only), and the JAAS file that points the worker
 * at it. Everything that talks to the worker (apply.mjs, the progress line, {@code ./run-local.sh status}, the tests)
 * reads the password from that file, never from a command line.
 */
record ConnectCredentials(String username, String password) {

    static final String USERNAME = "iot-connect";
    static final String CREDENTIALS_FILE = "connect-credentials.properties";
    static final String JAAS_FILE = "connect-jaas.conf";
    static final String REST_EXTENSION = "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension";
    /** The JAAS entry the extension looks up. */
    static final String JAAS_ENTRY = "KafkaConnect";
    static final String LOGIN_MODULE = "org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** A fresh password: 24 random bytes, URL-safe Base64, so the properties file needs no escaping. */
    static ConnectCredentials generate() {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        return new ConnectCredentials(USERNAME, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /**
     * Writes the credentials file (owner-only from its creation, so the password is never readable by others, not even
     * for a moment) and the worker's JAAS file; returns the JAAS file, for {@code -Djava.security.auth.login.config}.
     * An empty credentials file would let every request through, so the user is always written.
     */
    Path writeTo(Path state) {
        try {
            Path credentials = state.resolve(CREDENTIALS_FILE);
            Files.deleteIfExists(credentials);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(credentials, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(credentials);
            }
            Files.writeString(credentials, username + "=" + password + "\n", StandardCharsets.UTF_8);
            Path jaas = state.resolve(JAAS_FILE);
            Files.writeString(jaas, JAAS_ENTRY + " {\n    " + LOGIN_MODULE + " required\n    file=\""
                    + credentials.toAbsolutePath().toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\";\n};\n",
                    StandardCharsets.UTF_8);
            return jaas;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Connect REST API's credentials in " + state, e);
        }
    }

    /** The credentials of the stack running from {@code state}; empty ones (no header sent) when it wrote none. */
    static ConnectCredentials readFrom(Path state) {
        Path file = state.resolve(CREDENTIALS_FILE);
        if (!Files.exists(file)) {
            return new ConnectCredentials("", "");
        }
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        String username = properties.stringPropertyNames().stream().findFirst().orElse("");
        return new ConnectCredentials(username, properties.getProperty(username, ""));
    }

    boolean isEmpty() {
        return username.isEmpty();
    }

    /** The value of an {@code Authorization} header. */
    String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Never the password: a record's default toString would print it in any log line that names the credentials. */
    @Override
    public String toString() {
        return "ConnectCredentials[" + username + "]";
    }
}
