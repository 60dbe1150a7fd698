package io.iotconnect.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTPS interposer in front of a {@link CosmosDbServer} that answers a chosen share of document writes with what
 * Cosmos DB sends when throttling: status 429, sub-status 3200 and {@code x-ms-retry-after-ms}; and can fail every
 * operation on one document id with 500, as a failed operation inside a bulk response (the others of the bulk request
 * are written) or as a failed point request. Everything else is forwarded unchanged, except that the account's
 * endpoints are rewritten to point at the interposer, so the SDK keeps talking to it. The local server never throttles
 * or fails; this is how tests get real 429s and 500s over the real protocol.
 */
public final class CosmosFaultProxy implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "transfer-encoding", "keep-alive");

    private final CosmosDbServer upstream;
    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final SSLContext upstreamTls;
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong entraId = new AtomicLong();
    private volatile String lastToken;
    private volatile double throttleShare;
    private volatile long retryAfterMillis;
    private volatile String failingId;
    private final AtomicLong failedOperations = new AtomicLong();

    private CosmosFaultProxy(CosmosDbServer upstream) throws Exception {
        this.upstream = upstream;
        TestCertificates certificates = TestCertificates.create();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.serverKeystoreP12())) {
            keys.load(in, TestCertificates.STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestCertificates.STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", LocalPorts.freePort()), 64);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        // The local server's certificate is self-signed and expired: trust it, it is ours.
        upstreamTls = SSLContext.getInstance("TLS");
        upstreamTls.init(null, new TrustManager[] {new TrustEverything()}, null);
        server.start();
    }

    public static CosmosFaultProxy start(CosmosDbServer upstream) {
        try {
            return new CosmosFaultProxy(upstream);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Cosmos DB interposer", e);
        }
    }

    public String endpoint() {
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Throttle this share (0 to 1) of document writes from now on, asking clients to wait {@code retryAfter}. */
    public void throttleWrites(double share, Duration retryAfter) {
        this.retryAfterMillis = retryAfter.toMillis();
        this.throttleShare = share;
    }

    /**
     * From now on, answer 500 for every operation on documents with this id (null: none): in a bulk request that
     * operation's result (the request answers 207 and the others are forwarded), and a point read, create, upsert,
     * replace, patch or delete as a whole. Queries are forwarded unchanged.
     */
    public void failDocument(String id) {
        this.failingId = id;
    }

    /** Operations answered with 500 by {@link #failDocument} so far. */
    public long failedOperations() {
        return failedOperations.get();
    }

    /** Requests answered with 429 so far. */
    public long throttled() {
        return throttled.get();
    }

    public long forwarded() {
        return forwarded.get();
    }

    /** Requests signed with a Microsoft Entra ID token ({@code type=aad} in the authorization header). */
    public long entraIdRequests() {
        return entraId.get();
    }

    /** The token of the last request signed with Microsoft Entra ID, or null. */
    public String lastEntraIdToken() {
        return lastToken;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            boolean write = !method.equals("GET") && !method.equals("HEAD") && path.contains("/docs");
            byte[] body = exchange.getRequestBody().readAllBytes();
            String authorization = exchange.getRequestHeaders().getFirst("authorization");
            if (authorization != null) {
                String decoded = java.net.URLDecoder.decode(authorization, StandardCharsets.UTF_8);
                if (decoded.startsWith("type=aad&")) {
                    entraId.incrementAndGet();
                    lastToken = decoded.substring(decoded.indexOf("sig=") + 4);
                }
            }
            if (write && throttleShare > 0 && ThreadLocalRandom.current().nextDouble() < throttleShare) {
                throttled.incrementAndGet();
                byte[] answer = ("{\"code\":\"429\",\"message\":\"Message: {\\\"Errors\\\":[\\\"Request rate is large. More Request "
                        + "Units may be needed, so no changes were made. Please retry this request later.\\\"]}\"}")
                        .getBytes(StandardCharsets.UTF_8);
                Headers headers = exchange.getResponseHeaders();
                headers.set("Content-Type", "application/json");
                headers.set("x-ms-retry-after-ms", Long.toString(retryAfterMillis));
                headers.set("x-ms-substatus", "3200");
                headers.set("x-ms-activity-id", UUID.randomUUID().toString());
                headers.set("x-ms-request-charge", "0");
                exchange.sendResponseHeaders(429, answer.length);
                exchange.getResponseBody().write(answer);
                return;
            }
            String failing = failingId;
            if (failing != null && path.contains("/docs")) {
                if (method.equals("POST") && "true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("x-ms-cosmos-is-batch-request"))) {
                    bulkFailing(exchange, body, failing);
                    return;
                }
                if (!"true".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("x-ms-documentdb-isquery"))
                        && (path.endsWith("/docs/" + java.net.URLEncoder.encode(failing, StandardCharsets.UTF_8).replace("+", "%20"))
                        || method.equals("POST") && failing.equals(idOf(parse(body))))) {
                    failedOperations.incrementAndGet();
                    byte[] answer = ("{\"code\":\"InternalServerError\",\"message\":\"injected failure of document '" + failing
                            + "'\"}").getBytes(StandardCharsets.UTF_8);
                    Headers headers = exchange.getResponseHeaders();
                    headers.set("Content-Type", "application/json");
                    headers.set("x-ms-activity-id", UUID.randomUUID().toString());
                    headers.set("x-ms-request-charge", "0");
                    exchange.sendResponseHeaders(500, answer.length);
                    exchange.getResponseBody().write(answer);
                    return;
                }
            }
            relay(exchange, forward(exchange, method, body));
        }
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /** The id an operation or document names: a bulk operation's own, or its resource body's. */
    private static String idOf(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode id = node.hasNonNull("id") ? node.get("id") : node.path("resourceBody").get("id");
        return id == null || !id.isTextual() ? null : id.asText();
    }

    /**
     * A bulk request with operations on the failing document: those are answered 500 in their places, the others
     * are forwarded as one smaller bulk request and their answers put back around them; 207 as Cosmos DB answers a
     * bulk request with failed operations.
     */
    private void bulkFailing(HttpExchange exchange, byte[] body, String failing) throws IOException {
        JsonNode operations = JSON.readTree(body);
        ArrayNode kept = JSON.createArrayNode();
        List<Boolean> failed = new java.util.ArrayList<>();
        for (JsonNode operation : operations) {
            boolean fails = failing.equals(idOf(operation));
            failed.add(fails);
            if (!fails) {
                kept.add(operation);
            }
        }
        if (!failed.contains(true)) {
            relay(exchange, forward(exchange, "POST", body));
            return;
        }
        Upstream upstreamAnswer = kept.isEmpty() ? null : forward(exchange, "POST", JSON.writeValueAsBytes(kept));
        if (upstreamAnswer != null && (upstreamAnswer.status() < 200 || upstreamAnswer.status() >= 300)) {
            relay(exchange, upstreamAnswer); // the request as a whole failed upstream: so it does here
            return;
        }
        java.util.Iterator<JsonNode> answers = upstreamAnswer == null ? java.util.Collections.emptyIterator()
                : JSON.readTree(upstreamAnswer.body()).iterator();
        ArrayNode results = JSON.createArrayNode();
        for (boolean fails : failed) {
            if (fails) {
                failedOperations.incrementAndGet();
                results.addObject().put("statusCode", 500).put("subStatusCode", 0).put("requestCharge", 0);
            } else {
                results.add(answers.next());
            }
        }
        byte[] answer = JSON.writeValueAsBytes(results);
        Headers headers = exchange.getResponseHeaders();
        if (upstreamAnswer != null) {
            upstreamAnswer.headers().forEach(headers::put);
        } else {
            headers.set("x-ms-activity-id", UUID.randomUUID().toString());
            headers.set("x-ms-request-charge", "0");
        }
        headers.set("Content-Type", "application/json");
        exchange.sendResponseHeaders(207, answer.length);
        exchange.getResponseBody().write(answer);
    }

    /** What the local server answered: status, the headers to pass on, body. */
    private record Upstream(int status, Map<String, List<String>> headers, byte[] body) {
    }

    private void relay(HttpExchange exchange, Upstream answer) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        answer.headers().forEach(headers::put);
        boolean empty = answer.body().length == 0 || answer.status() == 204 || answer.status() == 304;
        exchange.sendResponseHeaders(answer.status(), empty ? -1 : answer.body().length);
        if (!empty) {
            exchange.getResponseBody().write(answer.body());
        }
    }

    private Upstream forward(HttpExchange exchange, String method, byte[] body) throws IOException {
        forwarded.incrementAndGet();
        URI target = URI.create(upstream.endpoint()).resolve(exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpsURLConnection connection = (HttpsURLConnection) target.toURL().openConnection();
        connection.setSSLSocketFactory(upstreamTls.getSocketFactory());
        connection.setHostnameVerifier((host, session) -> true);
        connection.setRequestMethod(method);
        connection.setUseCaches(false);
        connection.setInstanceFollowRedirects(false);
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            // Plain bodies both ways, so the account document can be rewritten.
            if (!HOP_BY_HOP.contains(header.getKey().toLowerCase()) && !header.getKey().equalsIgnoreCase("accept-encoding")) {
                for (String value : header.getValue()) {
                    connection.addRequestProperty(header.getKey(), value);
                }
            }
        }
        if (body.length > 0) {
            connection.setDoOutput(true);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        InputStream stream = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
        byte[] answer = stream == null ? new byte[0] : stream.readAllBytes();
        if (method.equals("GET") && exchange.getRequestURI().getRawPath().equals("/")) {
            // The account document names the endpoints to use: point them at the interposer.
            answer = new String(answer, StandardCharsets.UTF_8)
                    .replace(":" + upstream.port() + "/", ":" + server.getAddress().getPort() + "/")
                    .getBytes(StandardCharsets.UTF_8);
        }
        Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : connection.getHeaderFields().entrySet()) {
            if (header.getKey() != null && !HOP_BY_HOP.contains(header.getKey().toLowerCase())) {
                headers.put(header.getKey(), header.getValue());
            }
        }
        return new Upstream(status, headers, answer);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    static {
        // HttpURLConnection refuses to set some headers the SDK sends unless allowed.
        System.setProperty("sun.net.http.allowRestrictedHeaders", "true");
    }
}
