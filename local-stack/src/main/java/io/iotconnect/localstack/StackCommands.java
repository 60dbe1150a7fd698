package io.iotconnect.localstack;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./run-local.sh status}, {@code stop} and {@code restart worker|kafka}: what an operator does to a running
 * stack from another terminal. They find it through its state directory ({@link StackLock}); restart asks the running
 * launcher, which owns the processes, through a file in {@code control/}.
 */
final class StackCommands {

    private static final String CONTROL = "control";
    private static final List<String> RESTARTABLE = List.of(LocalStack.WORKER, LocalStack.KAFKA);

    private StackCommands() {
    }

    /** The refusal a second run prints: who runs, and how to look at it or stop it. */
    static String alreadyRunning(Path state) {
        Properties info = StackLock.info(state);
        StackPorts ports = StackPorts.readFrom(info);
        return String.join("\n",
                "A local stack is already running from " + state + " (launcher pid " + info.getProperty("pid", "?")
                        + ", started " + info.getProperty("started", "?") + "; Kafka 127.0.0.1:" + ports.kafka()
                        + ", Connect http://127.0.0.1:" + ports.connect() + ").",
                "Nothing was changed. See it with ./run-local.sh status, stop it with ./run-local.sh stop (or Ctrl-C in its",
                "terminal), then start again.");
    }

    static int status(Path state, PrintStream out) {
        if (!StackLock.isHeld(state)) {
            out.println("No local stack is running from " + state + ". Start one with ./run-local.sh");
            return 1;
        }
        Properties info = StackLock.info(state);
        StackPorts ports = StackPorts.readFrom(info);
        out.println("Local stack running from " + state + ": launcher pid " + info.getProperty("pid", "?") + ", started "
                + info.getProperty("started", "?"));
        out.println("  Kafka     " + ports.bootstrapServers());
        out.println("  Connect   " + ports.connectUrl() + " (basic authentication: " + credentialsHint(state) + ")");
        out.println("  MQTT      tcp://127.0.0.1:" + ports.mqtt());
        out.println("  Cosmos DB https://127.0.0.1:" + ports.cosmos() + "/");
        out.println("  Data Lake " + ports.lakeEndpoint(LocalStack.LAKE_ACCOUNT) + ", files in " + LocalStack.lakeTopics(state));
        out.println("  IoT Hub   " + ports.iothubEndpoint() + " (Event Hubs-compatible endpoint), hub " + LocalStack.IOTHUB_HUB
                + " with " + LocalStack.IOTHUB_PARTITIONS + " partitions");
        String registry = info.getProperty(LocalStack.REGISTRY_INFO);
        if (registry != null) {
            out.println("  Registry  " + LocalStack.registrySubjects(registry));
        }
        out.println("  Logs      " + state.resolve("logs"));
        int problems = 0;
        try (StackStatus status = new StackStatus(ports.bootstrapServers(), ports.connectUrl(), ConnectCredentials.readFrom(state))) {
            for (String connector : LocalStack.CONNECTORS) {
                out.println("  " + status.connectorState(connector));
                for (String problem : status.problems(connector)) {
                    out.println("    PROBLEM: " + problem);
                    problems++;
                }
            }
            out.printf("  Kafka records: %s %d, %s %d, %s %d, %s %d%n", LocalStack.DATA_TOPIC, status.records(LocalStack.DATA_TOPIC),
                    LocalStack.INVALID_TOPIC, status.records(LocalStack.INVALID_TOPIC), LocalStack.ERROR_TOPIC,
                    status.records(LocalStack.ERROR_TOPIC), LocalStack.ALERTS_TOPIC, status.records(LocalStack.ALERTS_TOPIC));
        }
        if (problems > 0) {
            out.println("A stopped worker or broker comes back with ./run-local.sh restart worker (or kafka); a FAILED task "
                    + "with: curl -u \"$(tr = : < " + state.resolve(ConnectCredentials.CREDENTIALS_FILE) + ")\" -X POST '"
                    + ports.connectUrl() + "/connectors/<name>/restart?includeTasks=true&onlyFailed=true'");
        }
        return problems == 0 ? 0 : 1;
    }

    /** Where the REST API's user and password are, never the password itself. */
    static String credentialsHint(Path state) {
        return "user " + ConnectCredentials.USERNAME + ", password in " + state.resolve(ConnectCredentials.CREDENTIALS_FILE)
                + ", readable by its owner only";
    }

    /** Asks the running launcher to stop (SIGTERM: it prints its summary and stops everything) and waits for it. */
    static int stop(Path state, PrintStream out) throws InterruptedException {
        if (!StackLock.isHeld(state)) {
            out.println("No local stack is running from " + state + ".");
            return 0;
        }
        String pid = StackLock.info(state).getProperty("pid");
        ProcessHandle launcher = pid == null ? null : ProcessHandle.of(Long.parseLong(pid)).orElse(null);
        if (launcher == null) {
            out.println("The stack's lock is held but its launcher pid is unknown; stop it with Ctrl-C in its terminal.");
            return 1;
        }
        out.println("Stopping the local stack (launcher pid " + pid + "); its terminal shows the summary ...");
        launcher.destroy();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (StackLock.isHeld(state) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(500);
        }
        if (StackLock.isHeld(state)) {
            out.println("It is still running after 4 minutes; kill it with: kill -9 " + pid);
            return 1;
        }
        out.println("Stopped.");
        return 0;
    }

    /** Asks the running launcher to restart its Connect worker or Kafka broker, and waits until it has taken the request. */
    static int restart(Path state, String what, PrintStream out) throws InterruptedException {
        if (!RESTARTABLE.contains(what)) {
            out.println("run-local.sh: restart what? Use: ./run-local.sh restart worker, or ./run-local.sh restart kafka");
            return 2;
        }
        if (!StackLock.isHeld(state)) {
            out.println("No local stack is running from " + state + "; start one with ./run-local.sh");
            return 1;
        }
        Path request = state.resolve(CONTROL).resolve("restart-" + what);
        try {
            Files.createDirectories(request.getParent());
            Files.writeString(request, "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Files.exists(request) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        if (Files.exists(request)) {
            out.println("The launcher did not take the request within 30 s; is it still starting? It restarts the " + what
                    + " when it gets to it.");
            return 1;
        }
        out.println("The launcher is restarting the " + what + "; its terminal says when it is back (./run-local.sh status).");
        return 0;
    }

    /** The restarts asked for since the last call, each taken (its request file removed). */
    static List<String> takeRestartRequests(Path state) {
        List<String> requested = new ArrayList<>();
        for (String name : RESTARTABLE) {
            Path request = state.resolve(CONTROL).resolve("restart-" + name);
            try {
                if (Files.deleteIfExists(request)) {
                    requested.add(name);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return requested;
    }
}
