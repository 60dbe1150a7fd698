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
 * {@code test-support/cosmosdb-server/package-lock.json}, installed with {@code npm ci} on first use and patched by
 * {@code test-support/cosmosdb-server/patch-server.js} (a missing document reads as 404, as in Cosmos DB). In memory:
 * empty at each start. Clients must set {@code COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED=true} (its
 * certificate is self-signed and expired) and use gateway mode; any account key is accepted.
 */
public final class CosmosDbServer implements AutoCloseable {

    /** The Cosmos emulator's well-known key; the server accepts any, clients need a valid base64 one. */
    public static final String KEY = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    /**
     * Fixes the pinned server where it differs from Cosmos DB: a point read of a missing document answers 404, not
     * 500. Run after {@code npm ci} by this class, and by anyone installing the server another way.
     */
    static final String PATCH_SCRIPT = "patch-server.js";

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
        try {
            return start(port, Files.createTempFile("cosmosdb-server-", ".log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Installs the server if needed and starts it on {@code port}, appending its output to {@code log}. */
    public static CosmosDbServer start(int port, Path log) {
        System.setProperty("COSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED", "true");
        Path home = install();
        try {
            Process process = new ProcessBuilder("node", home.resolve("node_modules/@vercel/cosmosdb-server/lib/cli.js").toString(),
                    "-p", Integer.toString(port), "--host", "127.0.0.1")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
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
        if (!Files.exists(home.resolve("node_modules/@vercel/cosmosdb-server/lib/cli.js"))) {
            run(home, List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), "npm ci");
        }
        // Also on an existing install, which may predate the patch; the script leaves a patched file as it is.
        run(home, List.of("node", PATCH_SCRIPT), "node " + PATCH_SCRIPT);
        return home;
    }

    private static void run(Path home, List<String> command, String what) {
        try {
            Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(what + " in " + home + " failed:\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what + " in " + home + " (needs Node.js and npm on the PATH)", e);
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
