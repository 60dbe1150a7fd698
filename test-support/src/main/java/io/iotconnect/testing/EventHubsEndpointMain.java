package io.iotconnect.testing;

import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link EventHubsEndpoint} on its own, for docker-compose and anyone who wants the local stand-in for an IoT
 * Hub's Event Hubs-compatible endpoint without a test: {@code EventHubsEndpointMain [--port 5672] [--hub
 * iothub-telemetry] [--partitions 4]}. It listens on 127.0.0.1 only (as every server of the project does); in a
 * container, a forwarder in the same network namespace makes it reachable. It prints the hub's connection string and
 * runs until it is stopped (SIGTERM or Ctrl-C). Events live in memory: a restart starts every partition empty.
 */
public final class EventHubsEndpointMain {

    /** The AMQP port without TLS, which a connection string's {@code sb://host} without a port means. */
    public static final int DEFAULT_PORT = 5672;
    /** The hub the local stack and docker-compose create, and connect-config/iothub-source.json reads. */
    public static final String DEFAULT_HUB = "iothub-telemetry";
    public static final int DEFAULT_PARTITIONS = 4;

    private EventHubsEndpointMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = DEFAULT_PORT;
        String hub = DEFAULT_HUB;
        int partitions = DEFAULT_PARTITIONS;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            if (value == null) {
                usage(args[i] + " needs a value");
                return;
            }
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value);
                case "--hub" -> hub = value;
                case "--partitions" -> partitions = Integer.parseInt(value);
                default -> {
                    usage("unknown option " + args[i]);
                    return;
                }
            }
        }
        if (partitions < 1) {
            usage("--partitions must be at least 1");
            return;
        }
        EventHubsEndpoint endpoint = EventHubsEndpoint.builder().port(port).hub(hub, partitions).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            stopped.countDown();
        }, "eventhubs-endpoint-stop"));
        System.out.println("Event Hubs-compatible endpoint on 127.0.0.1:" + endpoint.port() + ", hub " + hub + " with "
                + partitions + " partitions: " + endpoint.connectionString(hub));
        stopped.await();
    }

    private static void usage(String problem) {
        System.err.println("EventHubsEndpointMain: " + problem);
        System.err.println("usage: EventHubsEndpointMain [--port " + DEFAULT_PORT + "] [--hub " + DEFAULT_HUB
                + "] [--partitions " + DEFAULT_PARTITIONS + "]");
        System.exit(2);
    }
}
