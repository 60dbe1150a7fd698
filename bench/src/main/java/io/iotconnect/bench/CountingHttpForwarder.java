package io.iotconnect.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * An HTTP forwarder on 127.0.0.1 (a free port) that counts the requests it passes on to one server: put between a
 * client and that server, it shows how often the client really calls it. Each request goes on with its method, path,
 * query, headers and body over HTTP/1.1; the answer comes back with its status, headers and body. Counts are kept
 * per method and path (without the query).
 */
public final class CountingHttpForwarder implements AutoCloseable {

    /** Headers that belong to one connection, not to the request or answer, and the length the server sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te", "trailer",
            "transfer-encoding", "upgrade", "http2-settings", "host", "content-length", "expect", "date");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final String target;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final ConcurrentMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    private CountingHttpForwarder(String target, HttpServer server, ExecutorService executor) {
        this.target = target;
        this.server = server;
        this.executor = executor;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Starts forwarding to {@code target} ({@code http://host:port}, no path) on a free port of 127.0.0.1. */
    public static CountingHttpForwarder start(String target) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "counting-http-forwarder");
            thread.setDaemon(true);
            return thread;
        });
        CountingHttpForwarder forwarder = new CountingHttpForwarder(target.replaceAll("/+$", ""), server, executor);
        server.createContext("/", forwarder::forward);
        server.setExecutor(executor);
        server.start();
        return forwarder;
    }

    /** The forwarder's own address, {@code http://127.0.0.1:<port>}: give it to the client instead of the server's. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests received so far. */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Requests received so far per {@code METHOD /path}, sorted. */
    public Map<String, Long> counts() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((request, count) -> snapshot.put(request, count.sum()));
        return snapshot;
    }

    /** What was received between two {@link #counts()} snapshots, without the requests that did not come again. */
    public static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> difference = new TreeMap<>();
        after.forEach((request, count) -> {
            long added = count - before.getOrDefault(request, 0L);
            if (added > 0) {
                difference.put(request, added);
            }
        });
        return difference;
    }

    private void forward(HttpExchange exchange) throws IOException {
        try {
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            URI uri = exchange.getRequestURI();
            counts.computeIfAbsent(method + " " + uri.getRawPath(), request -> new LongAdder()).increment();
            byte[] body = exchange.getRequestBody().readAllBytes();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + uri.getRawPath() + query))
                    .timeout(REQUEST_TIMEOUT)
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> copyRequestHeader(request, name, values));
            HttpResponse<byte[]> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(exchange, 503, "forwarder interrupted");
                return;
            } catch (IOException e) {
                answer(exchange, 502, "forwarding to " + target + " failed: " + e);
                return;
            }
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":") && !HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(name, values);
                }
            });
            byte[] answer = response.body();
            boolean noBody = answer.length == 0 || method.equals("HEAD");
            exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : answer.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        } finally {
            exchange.close();
        }
    }

    private static void copyRequestHeader(HttpRequest.Builder request, String name, List<String> values) {
        if (HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
            return;
        }
        for (String value : values) {
            try {
                request.header(name, value);
            } catch (IllegalArgumentException restricted) {
                // A header the JDK client sets itself; the server gets the client's own.
            }
        }
    }

    private static void answer(HttpExchange exchange, int status, String message) throws IOException {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, text.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(text);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
