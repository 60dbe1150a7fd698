package io.iotconnect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real schema registry on 127.0.0.1: Apicurio Registry 2.6.13 (the newest line that runs on Java 17), in memory and
 * empty at each start, in a JVM of its own. Confluent-style clients talk to {@link #url()} (its Confluent-compatible
 * API, {@code /apis/ccompat/v7}); Apicurio's own serdes and Connect converters to {@link #registryApiUrl()}.
 *
 * <p>The server is not installed by hand: test-support's build unpacks {@code io.apicurio:apicurio-registry-app:
 * 2.6.13.Final:tar.gz:all} from Maven Central under its {@code target/} and records where in a resource this class
 * reads, so any module that has test-support on its test class path finds it.
 */
public final class SchemaRegistryServer implements AutoCloseable {

    /** Where test-support's build unpacked the server, and its version; written by Maven resource filtering. */
    static final String LOCATION_RESOURCE = "/io/iotconnect/testing/schema-registry.properties";

    /** Enough for a registry holding test schemas in memory; its RSS stays near 300 MB. */
    private static final String MAX_HEAP = "-Xmx256m";
    private static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Compatibility levels of the Confluent-compatible API. */
    public enum Compatibility {
        NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
    }

    private final Process process;
    private final int port;
    private final Path log;
    private final Duration startup;
    private final HttpClient http;

    private SchemaRegistryServer(Process process, int port, Path log, Duration startup, HttpClient http) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startup = startup;
        this.http = http;
    }

    /** Starts a registry on a free port and waits (up to 3 minutes) until its API answers. */
    public static SchemaRegistryServer start() {
        return start(LocalPorts.freePort(), DEFAULT_START_TIMEOUT);
    }

    /** Starts a registry on {@code port} and waits up to {@code timeout} until its API answers. */
    public static SchemaRegistryServer start(int port, Duration timeout) {
        Path runner = runnerJar();
        try {
            Path directory = Files.createTempDirectory("apicurio-registry-");
            Path log = directory.resolve("registry.log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(java.toString(), MAX_HEAP,
                    // Its temporary files (Vert.x cache) beside its log, not scattered over /tmp.
                    "-Djava.io.tmpdir=" + directory,
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-jar", runner.toString())
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            long started = System.nanoTime();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            awaitReady(process, http, port, timeout, log);
            return new SchemaRegistryServer(process, port, log, Duration.ofNanos(System.nanoTime() - started), http);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Apicurio Registry from " + runner, e);
        }
    }

    /** Polls the subjects list until it answers 200; stops the process and fails with its log tail otherwise. */
    private static void awaitReady(Process process, HttpClient http, int port, Duration timeout, Path log) {
        URI subjects = URI.create("http://127.0.0.1:" + port + "/apis/ccompat/v7/subjects");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Apicurio Registry exited with " + process.exitValue() + " before it was ready; "
                        + logTail(log));
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(subjects).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode() + ": " + response.body();
            } catch (ConnectException e) {
                last = "not listening";
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                destroy(process);
                throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
            }
            sleep(200);
        }
        destroy(process);
        throw new IllegalStateException("Apicurio Registry did not answer 200 on " + subjects + " within " + timeout.toSeconds()
                + " s (last: " + last + "); " + logTail(log));
    }

    /** The unpacked {@code apicurio-registry-app-<version>-runner.jar}, found through the resource the build wrote. */
    static Path runnerJar() {
        Properties location = new Properties();
        try (InputStream in = SchemaRegistryServer.class.getResourceAsStream(LOCATION_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(LOCATION_RESOURCE + " is not on the class path: build test-support with Maven");
            }
            location.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path home = Path.of(location.getProperty("home"));
        String name = "apicurio-registry-app-" + location.getProperty("version") + "-runner.jar";
        try (var files = Files.walk(home, 3)) {
            return files.filter(path -> path.getFileName().toString().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalStateException(name + " not found under " + home
                            + ": run 'mvn -pl test-support generate-resources' (it unpacks the server from Maven Central)"));
        } catch (IOException e) {
            throw new IllegalStateException("Apicurio Registry is not unpacked at " + home
                    + ": run 'mvn -pl test-support generate-resources' (it unpacks the server from Maven Central)", e);
        }
    }

    /** The Confluent-compatible API, {@code http://127.0.0.1:<port>/apis/ccompat/v7}: a Confluent client's registry URL. */
    public String url() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** The server, {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Apicurio's own API, {@code http://127.0.0.1:<port>/apis/registry/v2}: {@code apicurio.registry.url} for its serdes. */
    public String registryApiUrl() {
        return baseUrl() + "/apis/registry/v2";
    }

    /** {@link #confluentWireFormat(String)} for this registry. */
    public Map<String, String> confluentWireFormat() {
        return confluentWireFormat(registryApiUrl());
    }

    /**
     * The settings, without a {@code value.converter.} prefix, that make Apicurio's AvroConverter (and its serializer
     * and deserializer) write and read Confluent's wire format, magic byte 0 and a 4-byte id, registering new schemas
     * at {@code registryApiUrl} (Apicurio's own API). Inside a Connect worker the converter is handed the record's
     * headers, and without {@code headers.enabled=false} it puts the id there and the value unframed.
     */
    public static Map<String, String> confluentWireFormat(String registryApiUrl) {
        return Map.of(
                "apicurio.registry.url", registryApiUrl,
                "apicurio.registry.auto-register", "true",
                "apicurio.registry.as-confluent", "true",
                "apicurio.registry.use-id", "contentId",
                "apicurio.registry.headers.enabled", "false");
    }

    public int port() {
        return port;
    }

    /** The file the registry's output goes to. */
    public Path log() {
        return log;
    }

    /** From starting the JVM until the API first answered 200. */
    public Duration startup() {
        return startup;
    }

    /** The subjects (artifacts of the default group) the Confluent-compatible API lists. */
    public List<String> subjects() {
        return strings(get("/subjects"));
    }

    /** The version numbers of {@code subject}. */
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        get("/subjects/" + subject + "/versions").forEach(version -> versions.add(version.asInt()));
        return versions;
    }

    /** The schema text the registry holds under {@code id} (the Confluent-compatible id: Apicurio's content id). */
    public String schema(int id) {
        return get("/schemas/ids/" + id).path("schema").asText();
    }

    /** The HTTP status {@code GET /schemas/ids/<id>} answers. */
    public int schemaStatus(int id) {
        return send(HttpRequest.newBuilder(URI.create(url() + "/schemas/ids/" + id)).GET()).statusCode();
    }

    /** What {@code POST /subjects/<subject>/versions} answered: the HTTP status and its body. */
    public record Registration(int status, String body) {
    }

    /**
     * Registers an Avro schema under {@code subject} as a producer would, answering whatever the registry answers
     * (200 with the id, or 409 when the subject's compatibility level refuses it).
     */
    public Registration register(String subject, String avroSchema) {
        ObjectNode request = JSON.createObjectNode().put("schema", avroSchema);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(request.toString())));
        return new Registration(response.statusCode(), response.body());
    }

    /** Sets the compatibility level checked when a new version of {@code subject} is registered. */
    public void compatibility(String subject, Compatibility level) {
        put("/config/" + subject, level);
    }

    /** Sets the global compatibility level. */
    public void compatibility(Compatibility level) {
        put("/config", level);
    }

    /** The global compatibility level. */
    public Compatibility compatibility() {
        return Compatibility.valueOf(get("/config").path("compatibilityLevel").asText());
    }

    private void put(String path, Compatibility level) {
        String body = "{\"compatibility\":\"" + level.name() + "\"}";
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url() + path))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("PUT " + path + " " + body + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private JsonNode get(String path) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url() + path)).GET());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " answered no JSON: " + response.body(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(REQUEST_TIMEOUT).header("Accept", "application/vnd.schemaregistry.v1+json").build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("schema registry request failed; " + logTail(log), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted talking to the schema registry", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }

    private static String logTail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            return "last " + tail.size() + " lines of " + log + ":\n" + String.join("\n", tail);
        } catch (IOException e) {
            return "no log at " + log + " (" + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Apicurio Registry", e);
        }
    }

    private static void destroy(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Stops the registry: SIGTERM (Quarkus shuts down cleanly), then SIGKILL if it has not exited within 10 s. */
    @Override
    public void close() {
        destroy(process);
        // Its log and temporary files: the directory is this server's own.
        try (java.util.stream.Stream<Path> paths = Files.walk(log.getParent())) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            // Left behind in the temporary directory; no reason to fail a test.
        }
    }

    @Override
    public String toString() {
        return "Apicurio Registry " + baseUrl() + " (log " + log + ")";
    }
}
