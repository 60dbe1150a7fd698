package io.iotconnect.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * apply.mjs against a worker whose REST API takes basic authentication (a stand-in that answers as Connect does, so each
 * header it was sent can be checked): the login comes from CONNECT_USERNAME and CONNECT_PASSWORD in the environment,
 * goes to the worker on every request and never to the schema registry; a refused or missing login ends the run with
 * exit status 2 and a message that names the variables and never prints the password; a URL with credentials in it is
 * refused before anything is sent.
 */
class ApplyLoginIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final String USER = "operator";
    private static final String PASSWORD = "s3cret-Pa55word-for-the-test";

    private record Seen(String method, String path, String authorization) {
    }

    private record Result(int exit, String output) {
    }

    private HttpServer worker;
    private HttpServer registry;
    private final List<Seen> workerRequests = Collections.synchronizedList(new ArrayList<>());
    private final List<Seen> registryRequests = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        worker = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        worker.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            workerRequests.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), authorization));
            if (!expected.equals(authorization)) {
                // As Kafka's JaasBasicAuthFilter answers.
                respond(exchange, 401, "{\"error_code\":401,\"message\":\"User cannot access the resource.\"}");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/")) {
                respond(exchange, 200, "{\"version\":\"4.3.1\"}");
            } else if (path.endsWith("/config/validate")) {
                respond(exchange, 200, "{\"name\":\"x\",\"error_count\":0,\"configs\":[]}");
            } else if (path.startsWith("/connectors/") && path.endsWith("/config")) {
                respond(exchange, 201, "{}");
            } else {
                respond(exchange, 404, "{}");
            }
        });
        worker.start();
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            registryRequests.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            respond(exchange, 200, "{\"name\":\"Apicurio Registry (In Memory)\"}");
        });
        registry.start();
    }

    @AfterEach
    void stop() {
        worker.stop(0);
        registry.stop(0);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private String workerUrl() {
        return "http://127.0.0.1:" + worker.getAddress().getPort();
    }

    private String registryUrl() {
        return "http://127.0.0.1:" + registry.getAddress().getPort() + "/apis/registry/v2";
    }

    /** Runs apply.mjs with exactly {@code login} as CONNECT_USERNAME/CONNECT_PASSWORD (none inherited from this JVM). */
    private static Result apply(Map<String, String> login, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", REPOSITORY.resolve("connect-config/apply.mjs").toString()));
        command.addAll(List.of(args));
        command.add(REPOSITORY.resolve("connect-config/mqtt-source.json").toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("CONNECT_USERNAME");
        builder.environment().remove("CONNECT_PASSWORD");
        builder.environment().remove("CONNECT_URL");
        builder.environment().putAll(login);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void theLoginFromTheEnvironmentGoesToTheWorkerOnEveryRequestAndNeverToTheRegistry() throws Exception {
        Result result = apply(Map.of("CONNECT_USERNAME", USER, "CONNECT_PASSWORD", PASSWORD),
                "--url", workerUrl(), "--avro", registryUrl());
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("✓ mqtt-source (mqtt-source.json) created").doesNotContain(PASSWORD);
        assertThat(workerRequests).extracting(Seen::path).contains("/",
                "/connector-plugins/io.iotconnect.mqtt.MqttSourceConnector/config/validate", "/connectors/mqtt-source/config");
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertThat(workerRequests).extracting(Seen::authorization).containsOnly(expected);
        assertThat(registryRequests).as("the registry was asked").isNotEmpty();
        assertThat(registryRequests).extracting(Seen::authorization).as("the worker's login is not the registry's").containsOnlyNulls();
    }

    @Test
    void aRefusedLoginExitsWithTwoNamingTheVariablesNeverThePassword() throws Exception {
        String wrong = "not-the-Pa55word-at-all";
        Result result = apply(Map.of("CONNECT_USERNAME", USER, "CONNECT_PASSWORD", wrong), "--url", workerUrl());
        assertThat(result.exit()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("refused", "CONNECT_USERNAME", "CONNECT_PASSWORD", "HTTP 401")
                .doesNotContain(wrong).doesNotContain(PASSWORD).doesNotContain("created");
        assertThat(workerRequests).extracting(Seen::path).as("nothing after the refusal").containsOnly("/");
    }

    @Test
    void noLoginAtAWorkerThatWantsOneExitsWithTwoSayingWhatToSet() throws Exception {
        Result result = apply(Map.of(), "--url", workerUrl(), "--wait", "30");
        assertThat(result.exit()).as(result.output()).isEqualTo(2);
        assertThat(result.output()).contains("requires a login (HTTP 401)", "CONNECT_USERNAME", "CONNECT_PASSWORD");
        assertThat(workerRequests).as("no waiting out --wait at a worker that answered").hasSize(1);
        assertThat(workerRequests.get(0).authorization()).isNull();
    }

    @Test
    void credentialsInTheUrlOrHalfALoginAreRefusedBeforeAnythingIsSent() throws Exception {
        Result inUrl = apply(Map.of(), "--url", "http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + worker.getAddress().getPort());
        assertThat(inUrl.exit()).isEqualTo(2);
        assertThat(inUrl.output()).contains("--url must not carry a user or password", "CONNECT_PASSWORD").doesNotContain(PASSWORD);

        Result half = apply(Map.of("CONNECT_USERNAME", USER), "--url", workerUrl());
        assertThat(half.exit()).isEqualTo(2);
        assertThat(half.output()).contains("set both CONNECT_USERNAME and CONNECT_PASSWORD");
        assertThat(workerRequests).isEmpty();
    }
}
