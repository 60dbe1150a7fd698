package io.iotconnect.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A managed identity token endpoint speaking the App Service protocol (API version 2019-08-01), the one the Azure
 * identity libraries use when {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} are set: {@code GET
 * <endpoint>?api-version=2019-08-01&resource=<resource>[&client_id=<id>]} with the secret in {@code X-IDENTITY-HEADER},
 * answered with a bearer token as JSON. Those variables are read from the process environment, so the test JVM must
 * start with them pointing here (see the module's failsafe configuration).
 */
public final class ManagedIdentityEndpoint implements AutoCloseable {

    /** The token every request gets; a test can look for it where the token is used. */
    public static final String TOKEN = "iot-connect-test-managed-identity-token";

    private final HttpServer server;
    private final String secret;
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, String> lastQuery = new ConcurrentHashMap<>();

    private ManagedIdentityEndpoint(int port, String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Listens on the port and secret of {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER} in this JVM's environment. */
    public static ManagedIdentityEndpoint fromEnvironment() {
        String endpoint = System.getenv("IDENTITY_ENDPOINT");
        String secret = System.getenv("IDENTITY_HEADER");
        if (endpoint == null || secret == null) {
            throw new IllegalStateException("IDENTITY_ENDPOINT and IDENTITY_HEADER must be set in the test JVM's environment");
        }
        try {
            return new ManagedIdentityEndpoint(java.net.URI.create(endpoint).getPort(), secret);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + endpoint, e);
        }
    }

    /** Tokens handed out. */
    public long issued() {
        return issued.get();
    }

    /** Requests without the right secret header. */
    public long refused() {
        return refused.get();
    }

    /** The query parameters of the last token request (resource, client_id, api-version). */
    public Map<String, String> lastQuery() {
        return Map.copyOf(lastQuery);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = new HashMap<>();
            String raw = exchange.getRequestURI().getRawQuery();
            if (raw != null) {
                for (String pair : raw.split("&")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0) {
                        query.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
                    }
                }
            }
            if (!secret.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))
                    || !"2019-08-01".equals(query.get("api-version")) || query.get("resource") == null) {
                refused.incrementAndGet();
                byte[] answer = "{\"statusCode\":400,\"message\":\"missing secret header, api-version or resource\"}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(400, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            lastQuery.clear();
            lastQuery.putAll(query);
            issued.incrementAndGet();
            long expires = Instant.now().plusSeconds(3600).getEpochSecond();
            byte[] answer = ("{\"access_token\":\"" + TOKEN + "\",\"expires_on\":\"" + expires + "\",\"resource\":\""
                    + query.get("resource") + "\",\"token_type\":\"Bearer\",\"client_id\":\""
                    + query.getOrDefault("client_id", "00000000-0000-0000-0000-000000000000") + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
