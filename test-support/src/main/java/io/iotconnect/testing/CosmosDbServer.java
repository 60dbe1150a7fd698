package io.iotconnect.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Cosmos DB (NoSQL API) endpoint on 127.0.0.1: npm {@code @vercel/cosmosdb-server}, pinned in
 * {@code test-support/cosmosdb-server/package-lock.json} and installed with {@code npm ci} on first use. In memory:
 * empty at each start. Clients must set {@code COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED=true} (its
 * certificate is self-signed and expired) and use gateway mode; any account key is accepted.
 */
public final class CosmosDbServer implements AutoCloseable {

    /** The Cosmos emulator's well-known key; the server accepts any, clients need a valid base64 one. */
    public static final String KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private final Process process;
    private final int port;
    private final Path log;

    private CosmosDbServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Installs the server if needed and starts it on a free port. */
    public static CosmosDbServer start() {
        return start(LocalPorts.freePort());
    }

    /** Installs the server if needed and starts it on {@code port}. */
    public static CosmosDbServer start(int port) {
        System.setProperty("COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED", "true");
        Path home = install();
        try {
            Path log = Files.createTempFile("cosmosdb-server-", ".log");
            Process process = new ProcessBuilder("node", home.resolve("node_modules/@vercel/cosmosdb-server/lib/cli.js").toString(),
                    "-p", Integer.toString(port), "--host", "127.0.0.1")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            CosmosDbServer server = new CosmosDbServer(process, port, log);
            LocalPorts.awaitListening(process, "cosmosdb-server", port, Duration.ofSeconds(30), server::readLog);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start cosmosdb-server (needs Node.js on the PATH)", e);
        }
    }

    /** The directory holding package.json and the lock file, found from the working directory upwards. */
    static Path home() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("test-support/cosmosdb-server");
            if (Files.exists(candidate.resolve("package-lock.json"))) {
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("test-support/cosmosdb-server not found above " + Path.of("").toAbsolutePath());
    }

    private static synchronized Path install() {
        Path home = home();
        if (Files.exists(home.resolve("node_modules/@vercel/cosmosdb-server/lib/cli.js"))) {
            return home;
        }
        try {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(npm.getInputStream().readAllBytes());
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + home + " failed:\n" + output);
            }
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run npm ci in " + home + " (needs Node.js and npm on the PATH)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted installing cosmosdb-server", e);
        }
    }

    /** The account endpoint, {@code https://127.0.0.1:<port>/}. */
    public String endpoint() {
        return "https://127.0.0.1:" + port + "/";
    }

    public int port() {
        return port;
    }

    private String readLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "cosmosdb-server " + endpoint() + " (" + List.of(log) + ")";
    }
}
