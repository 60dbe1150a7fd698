package io.iotconnect.testing;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link DataLakeServer} on its own, for docker-compose and anyone who wants the local ADLS Gen2 endpoint
 * without a test: {@code DataLakeServerMain [--port 10000] [--root ./lake] [--account devlake] [--key BASE64]}. It
 * listens on 127.0.0.1 only (as every server of the project does); in a container, a forwarder in the same network
 * namespace makes it reachable. It runs until it is stopped (SIGTERM or Ctrl-C).
 */
public final class DataLakeServerMain {

    /**
     * The development account key of the local stack and docker-compose: the well-known key of Microsoft's storage
     * emulators, published on purpose, so nobody takes it for a secret.
     */
    public static final String DEVELOPMENT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public static final String DEVELOPMENT_ACCOUNT = "devlake";
    public static final int DEFAULT_PORT = 10000;

    private DataLakeServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = DEFAULT_PORT;
        Path root = Path.of("lake");
        String account = DEVELOPMENT_ACCOUNT;
        String key = DEVELOPMENT_KEY;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                usage(args[i] + " needs a value");
                return;
            }
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value);
                case "--root" -> root = Path.of(value);
                case "--account" -> account = value;
                case "--key" -> key = value;
                default -> {
                    usage("unknown option " + args[i]);
                    return;
                }
            }
        }
        DataLakeServer server = DataLakeServer.builder().port(port).root(root.toAbsolutePath()).account(account)
                .accountKey(key).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "datalake-server-stop"));
        System.out.println("ADLS Gen2 endpoint " + server.endpoint() + " (account " + account + "), files in " + server.root());
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println("DataLakeServerMain: " + problem);
        System.err.println("usage: DataLakeServerMain [--port 10000] [--root DIRECTORY] [--account devlake] [--key BASE64]");
        System.exit(2);
    }
}
