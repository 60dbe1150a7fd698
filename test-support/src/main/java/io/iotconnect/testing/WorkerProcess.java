package io.iotconnect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A distributed Kafka Connect worker in a JVM of its own, on this test's classpath, so a test can kill it the way a
 * machine dies: {@link #kill()} sends SIGKILL, and no task gets to stop, commit offsets or acknowledge anything. The
 * in-process workers of {@code EmbeddedConnectCluster} can only be stopped gracefully. Workers started with the
 * same {@code group} form one Connect cluster on the given Kafka; REST listens on a free port of 127.0.0.1.
 */
public final class WorkerProcess implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final URI rest;
    private final Path log;

    private WorkerProcess(Process process, URI rest, Path log) {
        this.process = process;
        this.rest = rest;
        this.log = log;
    }

    /**
     * Starts a worker of Connect cluster {@code group} on {@code bootstrapServers} and waits until its REST API answers.
     *
     * @param extra worker properties added to (or replacing) the defaults: quick offset commits and rebalances
     */
    public static WorkerProcess start(String bootstrapServers, String group, Map<String, String> extra) {
        int port = LocalPorts.freePort();
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", group);
        props.put("config.storage.topic", group + "-configs");
        props.put("offset.storage.topic", group + "-offsets");
        props.put("status.storage.topic", group + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("plugin.discovery", "hybrid_fail");
        props.put("offset.flush.interval.ms", "1000");
        props.put("scheduled.rebalance.max.delay.ms", "3000");
        props.putAll(extra);
        try {
            Path dir = Files.createDirectories(Path.of("target", "worker-processes"));
            Path config = Files.createTempFile(dir, group + "-", ".properties");
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, "Connect worker of " + group);
            }
            Path log = Path.of(config.toString().replaceAll("\\.properties$", ".log"));
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add("org.apache.kafka.connect.cli.ConnectDistributed");
            command.add(config.toString());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            WorkerProcess worker = new WorkerProcess(process, URI.create("http://127.0.0.1:" + port + "/"), log);
            worker.awaitRest(Duration.ofSeconds(90));
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a Connect worker JVM", e);
        }
    }

    private void awaitRest(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Connect worker exited with " + process.exitValue() + "; see " + log.toAbsolutePath());
            }
            try {
                if (request("GET", "connectors", null).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(250);
        }
        throw new IllegalStateException("Connect worker REST did not answer within " + timeout + "; see " + log.toAbsolutePath());
    }

    /** Creates or updates a connector (PUT /connectors/{name}/config). */
    public void configureConnector(String name, Map<String, String> config) {
        try {
            HttpResponse<String> response = request("PUT", "connectors/" + name + "/config", JSON.writeValueAsString(config));
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("PUT " + name + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void deleteConnector(String name) {
        try {
            request("DELETE", "connectors/" + name, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The connector's status as the REST API answers it (for failure messages), or why there is none. */
    public String connectorStatus(String name) {
        try {
            return request("GET", "connectors/" + name + "/status", null).body();
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Waits until the connector and exactly {@code tasks} tasks are RUNNING. */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = request("GET", "connectors/" + name + "/status", null);
                last = response.body();
                if (response.statusCode() == 200) {
                    JsonNode status = JSON.readTree(last);
                    boolean connectorRunning = status.path("connector").path("state").asText().equals("RUNNING");
                    int running = 0;
                    for (JsonNode task : status.path("tasks")) {
                        running += task.path("state").asText().equals("RUNNING") ? 1 : 0;
                    }
                    if (connectorRunning && running == tasks && status.path("tasks").size() == tasks) {
                        return;
                    }
                }
            } catch (IOException e) {
                last = e.toString();
            }
            sleep(250);
        }
        throw new AssertionError("connector " + name + " not RUNNING with " + tasks + " task(s) within " + timeout + ": " + last);
    }

    /** SIGKILL: the JVM ends at once, as on a power cut; nothing is flushed, committed or acknowledged. */
    public void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("worker JVM survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<String> request(String method, String path, String body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(rest.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Stops the JVM gracefully (SIGTERM), killing it if it has not stopped in 30 s. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
