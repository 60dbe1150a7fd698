package io.iotconnect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto broker (Debian's package) on 127.0.0.1, started by the tests with their own config file.
 *
 * <p>Installs mosquitto with apt-get when it is missing and the build runs as root (CI starts on a bare machine);
 * otherwise it says how to install it. Configured not to drop messages: mosquitto's default
 * {@code max_queued_messages 1000} silently drops QoS 1 messages for a lagging subscriber, which would hide or fake
 * losses in delivery tests.
 */
public final class MosquittoBroker implements AutoCloseable {

    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"),
            Path.of("/usr/local/sbin/mosquitto"), Path.of("/usr/local/bin/mosquitto"));

    /** TLS listener settings: PEM files, and whether clients must present a certificate signed by the CA. */
    public record Tls(Path caFile, Path certFile, Path keyFile, boolean requireClientCertificate) {
    }

    private final Path directory;
    private final int port;
    private final Tls tls;
    private final int tlsPort;
    private final Path passwordFile;
    private final Path log;
    private Process process;

    private MosquittoBroker(Path directory, int port, Tls tls, int tlsPort, Path passwordFile, Path log) {
        this.log = log;
        this.directory = directory;
        this.port = port;
        this.tls = tls;
        this.tlsPort = tlsPort;
        this.passwordFile = passwordFile;
    }

    /** A plain broker, anonymous access, on a free port. */
    public static MosquittoBroker start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for brokers with TLS or users. */
    public static final class Builder {
        private Tls tls;
        private int port;
        private Path directory;
        private final List<String[]> users = new ArrayList<>();

        private Path log;

        /** Keeps configuration, saved sessions and mosquitto.log in this directory instead of a temporary one. */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        /** Appends the broker's log to this file instead of mosquitto.log in its directory. */
        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        /** Listens on this port instead of a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tls(Tls tls) {
            this.tls = tls;
            return this;
        }

        /** Requires authentication and adds a user. */
        public Builder user(String name, String password) {
            users.add(new String[] {name, password});
            return this;
        }

        public MosquittoBroker start() {
            try {
                Path directory = this.directory != null ? Files.createDirectories(this.directory)
                        : Files.createTempDirectory("mosquitto-");
                Path passwordFile = null;
                if (!users.isEmpty()) {
                    passwordFile = directory.resolve("passwords");
                    Files.writeString(passwordFile, "");
                    for (String[] user : users) {
                        run(List.of(passwordTool().toString(), "-b", passwordFile.toString(), user[0], user[1]));
                    }
                }
                MosquittoBroker broker = new MosquittoBroker(directory, port > 0 ? port : freePort(), tls, tls == null ? -1 : freePort(),
                        passwordFile, log != null ? log : directory.resolve("mosquitto.log"));
                broker.launch();
                return broker;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** tcp://127.0.0.1:port */
    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    /** ssl://127.0.0.1:port of the TLS listener. */
    public String tlsUri() {
        if (tls == null) {
            throw new IllegalStateException("broker has no TLS listener");
        }
        return "ssl://127.0.0.1:" + tlsPort;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** Stops the broker cleanly (SIGTERM, session state saved) and starts it again on the same ports. */
    public void restart() {
        stop();
        launch();
    }

    /**
     * Stops the broker, deletes its saved state, and starts it again on the same ports: as if it were replaced, so
     * every client must create its session and subscriptions anew.
     */
    public void restartWithoutState() {
        stop();
        try {
            Files.deleteIfExists(directory.resolve("mosquitto.db"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        launch();
    }

    /** Stops the broker with SIGTERM; it saves persistent sessions on the way out. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() {
        stop();
    }

    private void launch() {
        try {
            Path config = directory.resolve("mosquitto.conf");
            Files.writeString(config, configText());
            ProcessBuilder builder = new ProcessBuilder(binary().toString(), "-c", config.toString());
            builder.redirectErrorStream(true);
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            process = builder.start();
            awaitPort(port);
            if (tls != null) {
                awaitPort(tlsPort);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start mosquitto", e);
        }
    }

    private String configText() {
        StringBuilder text = new StringBuilder();
        if ("root".equals(System.getProperty("user.name"))) {
            // mosquitto started as root drops to user 'mosquitto', who cannot write this temporary directory.
            text.append("user root\n");
        }
        text.append("per_listener_settings false\n");
        text.append("persistence true\n");
        text.append("persistence_location ").append(directory).append("/\n");
        text.append("autosave_interval 0\n");
        // Never drop queued or in-flight QoS 1/2 messages (defaults 1000 and 20 would drop or throttle).
        text.append("max_queued_messages 0\n");
        text.append("max_queued_bytes 0\n");
        text.append("max_inflight_messages 0\n");
        text.append("log_dest stderr\n");
        text.append("log_timestamp_format %Y-%m-%dT%H:%M:%S\n");
        text.append("log_type error\nlog_type warning\nlog_type notice\n");
        text.append("connection_messages true\n");
        if (passwordFile == null) {
            text.append("allow_anonymous true\n");
        } else {
            text.append("allow_anonymous false\n");
            text.append("password_file ").append(passwordFile).append('\n');
        }
        text.append("listener ").append(port).append(" 127.0.0.1\n");
        if (tls != null) {
            text.append("listener ").append(tlsPort).append(" 127.0.0.1\n");
            text.append("cafile ").append(tls.caFile()).append('\n');
            text.append("certfile ").append(tls.certFile()).append('\n');
            text.append("keyfile ").append(tls.keyFile()).append('\n');
            text.append("require_certificate ").append(tls.requireClientCertificate()).append('\n');
        }
        return text.toString();
    }

    /** The mosquitto binary, installed from Debian's packages if missing and we may. */
    public static synchronized Path binary() {
        for (Path candidate : CANDIDATES) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("mosquitto is not installed and this build is not root: run 'sudo apt-get install -y mosquitto'");
        }
        run(List.of("apt-get", "update", "-q"));
        run(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", "mosquitto"));
        for (Path candidate : CANDIDATES) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("apt-get installed mosquitto but no binary was found in " + CANDIDATES);
    }

    private static Path passwordTool() {
        Path broker = binary();
        for (Path dir : List.of(broker.getParent(), Path.of("/usr/bin"), Path.of("/usr/sbin"))) {
            Path tool = dir.resolve("mosquitto_passwd");
            if (Files.isExecutable(tool)) {
                return tool;
            }
        }
        throw new IllegalStateException("mosquitto_passwd not found beside " + broker);
    }

    private static void run(List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    public static int freePort() {
        return LocalPorts.freePort();
    }

    private void awaitPort(int target) {
        LocalPorts.awaitListening(process, "mosquitto", target, Duration.ofSeconds(20), this::readLog);
    }

    private String readLog() {
        try {
            return Files.readString(log());
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
