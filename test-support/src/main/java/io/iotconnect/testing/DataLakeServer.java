package io.iotconnect.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.iotconnect.testing.DataLakeProtocol.Request;
import io.iotconnect.testing.DataLakeProtocol.Response;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real ADLS Gen2 (dfs) endpoint on 127.0.0.1 for the {@code azure-storage-file-datalake} SDK, which no emulator
 * serves: file systems, files and directories (create, append, flush with position checks, atomic rename with
 * conditions, list with paging, delete, ranged read, properties, user metadata), plus the Blob-API calls the SDK sends
 * to the same URL (container create/delete/properties, blob properties, metadata and download). The account lives in a
 * directory: a file system is a top-level directory, a path a file beneath it; appended data stays invisible until
 * flushed. Metadata set on create ({@code x-ms-properties}) or afterwards ({@code PUT ?comp=metadata}) is answered by
 * get properties and reads, and follows its path through a rename.
 *
 * <p>Requests are authorized for real: Shared Key signatures and account or service SAS are recomputed with the
 * account key; bearer tokens are accepted when registered with {@link #acceptBearerToken}. The SDK sends bearer
 * tokens only over HTTPS, so start the server with {@link Builder#tls} for them.
 *
 * <p>Faults can be armed at run time ({@link #inject}, {@link #injectShare}): error statuses, throttling with
 * {@code Retry-After}, a connection dropped mid-request, a response lost after the work was done, a late answer.
 *
 * <p>Differences from the service worth knowing: an append may start anywhere at or past the committed length (the
 * SDK's parallel upload sends appends out of order) and only the flush checks that the data is contiguous; a rename's
 * destination parent must exist, as in the service; no leases, ACLs or user delegation SAS. The JDK server sends
 * header names capitalized ({@code X-ms-meta-hdi_isfolder}) and the SDK matches {@code x-ms-meta-} case-sensitively,
 * so {@code PathProperties.isDirectory()} is false for directories here and {@code PathProperties.getMetadata()} is
 * empty: read {@code x-ms-resource-type} and the {@code x-ms-meta-*} headers from {@code getPropertiesWithResponse}
 * case-insensitively (HTTP header names are), or list the parent instead. Metadata names come back in lower case.
 *
 * <pre>{@code
 * DataLakeServer lake = DataLakeServer.start();
 * DataLakeServiceClient client = new DataLakeServiceClientBuilder().endpoint(lake.endpoint())
 *         .credential(new StorageSharedKeyCredential(lake.accountName(), lake.accountKey())).buildClient();
 * }</pre>
 */
public final class DataLakeServer implements AutoCloseable {

    /** What a request does, for fault targeting and counters; {@link #ANY} matches every operation in a fault. */
    public enum Operation {
        ANY, LIST_FILESYSTEMS, CREATE_FILESYSTEM, DELETE_FILESYSTEM, GET_FILESYSTEM_PROPERTIES, CREATE, APPEND, FLUSH,
        RENAME, LIST_PATHS, DELETE, READ, GET_PROPERTIES, SET_METADATA, OTHER
    }

    /** A fault to inject; see {@link #inject} and {@link #injectShare}. */
    public static final class Fault {
        enum Kind { STATUS, DROP, LOSE_RESPONSE, DELAY }

        final Kind kind;
        final int status;
        final String code;
        final Duration duration;

        private Fault(Kind kind, int status, String code, Duration duration) {
            this.kind = kind;
            this.status = status;
            this.code = code;
            this.duration = duration;
        }

        /** Answer with this status and error code instead of doing the request (e.g. 500 InternalError). */
        public static Fault status(int status, String errorCode) {
            return new Fault(Kind.STATUS, status, Objects.requireNonNull(errorCode), null);
        }

        /** Answer 503 {@code ServerBusy} (or 429 {@code TooManyRequests}) with {@code Retry-After} in seconds. */
        public static Fault throttle(int status, Duration retryAfter) {
            if (status != 503 && status != 429) {
                throw new IllegalArgumentException("throttling is 503 or 429, not " + status);
            }
            return new Fault(Kind.STATUS, status, status == 503 ? "ServerBusy" : "TooManyRequests", retryAfter);
        }

        /** Close the connection after reading half of the request body, without doing the request or answering. */
        public static Fault drop() {
            return new Fault(Kind.DROP, 0, null, null);
        }

        /** Do the request, then close the connection without answering: the client cannot know it succeeded. */
        public static Fault loseResponse() {
            return new Fault(Kind.LOSE_RESPONSE, 0, null, null);
        }

        /** Do the request and answer it after {@code delay}. */
        public static Fault delay(Duration delay) {
            return new Fault(Kind.DELAY, 0, null, delay);
        }

        @Override
        public String toString() {
            return kind + (status > 0 ? " " + status + " " + code : "") + (duration != null ? " " + duration : "");
        }
    }

    private static final String DEFAULT_VERSION = "2025-01-05";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String scheme;
    private final String account;
    private final String accountKey;
    private final DataLakeStore store;
    private final DataLakeProtocol protocol;
    private final StorageAuthorizer authorizer;
    private final DataLakeFaults faults = new DataLakeFaults();
    private final AtomicLong requests = new AtomicLong();
    private final Map<Operation, AtomicLong> operationCounts = new EnumMap<>(Operation.class);
    private final Map<StorageAuthorizer.Kind, AtomicLong> authorized = new EnumMap<>(StorageAuthorizer.Kind.class);
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastBearerToken;
    /** The files live in a temporary directory of this server's own, deleted when it closes. */
    private final boolean temporaryRoot;

    private DataLakeServer(Builder builder) throws Exception {
        this.account = builder.account;
        this.accountKey = builder.accountKey != null ? builder.accountKey : randomKey();
        this.authorizer = new StorageAuthorizer(account, accountKey);
        this.temporaryRoot = builder.root == null;
        this.store = new DataLakeStore(builder.root != null ? builder.root : Files.createTempDirectory("datalake-"));
        for (Operation operation : Operation.values()) {
            operationCounts.put(operation, new AtomicLong());
        }
        for (StorageAuthorizer.Kind kind : StorageAuthorizer.Kind.values()) {
            authorized.put(kind, new AtomicLong());
        }
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", builder.port > 0 ? builder.port : LocalPorts.freePort());
        if (builder.certificates != null) {
            HttpsServer https = HttpsServer.create(address, 64);
            https.setHttpsConfigurator(new HttpsConfigurator(tls(builder.certificates)));
            server = https;
            scheme = "https";
        } else {
            server = HttpServer.create(address, 64);
            scheme = "http";
        }
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newFixedThreadPool(builder.threads, runnable -> {
            Thread thread = new Thread(runnable, "datalake-server-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        protocol = new DataLakeProtocol(store, endpointOf(server.getAddress().getPort()));
        server.start();
    }

    /** A server on a free port with a generated key, backed by a new temporary directory (deleted by {@link #close()}). */
    public static DataLakeServer start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for a server with a given port, account, key, directory, thread count or TLS. */
    public static final class Builder {
        private String account = "devlake";
        private String accountKey;
        private int port;
        private Path root;
        private int threads = 16;
        private TestCertificates certificates;

        private Builder() {
        }

        /** The storage account name, the first segment of every path (default {@code devlake}). */
        public Builder account(String account) {
            this.account = Objects.requireNonNull(account);
            return this;
        }

        /** The account key, base64 (default: 64 random bytes). */
        public Builder accountKey(String base64Key) {
            Base64.getDecoder().decode(base64Key);
            this.accountKey = base64Key;
            return this;
        }

        /** Listens on this port instead of a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Keeps the file systems in this directory (created when missing) instead of a temporary one. */
        public Builder root(Path root) {
            this.root = root;
            return this;
        }

        /** Requests served at once (default 16). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be positive: " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Serves HTTPS with the server certificate (CN=localhost, SAN 127.0.0.1) of these test certificates. */
        public Builder tls(TestCertificates certificates) {
            this.certificates = certificates;
            return this;
        }

        public DataLakeServer start() {
            try {
                return new DataLakeServer(this);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the local ADLS Gen2 endpoint", e);
            }
        }
    }

    /** {@code http://127.0.0.1:PORT/<account>} (https with TLS): both the blob and the dfs endpoint of the account. */
    public String endpoint() {
        return endpointOf(server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String accountName() {
        return account;
    }

    /** The account key, base64, for {@code StorageSharedKeyCredential} and for signing SAS tokens. */
    public String accountKey() {
        return accountKey;
    }

    /** The directory holding the file systems. */
    public Path root() {
        return store.root();
    }

    /** Accepts {@code Authorization: Bearer <token>} with this token from now on. */
    public void acceptBearerToken(String token) {
        authorizer.acceptBearerToken(Objects.requireNonNull(token));
    }

    /** Gives the next {@code times} requests of {@code operation} (or {@link Operation#ANY}) this fault. */
    public void inject(Fault fault, Operation operation, int times) {
        faults.add(Objects.requireNonNull(fault), Objects.requireNonNull(operation), times);
    }

    /** Gives this share (0 to 1) of the requests of {@code operation} this fault, until {@link #clearFaults}. */
    public void injectShare(Fault fault, Operation operation, double share) {
        faults.addShare(Objects.requireNonNull(fault), Objects.requireNonNull(operation), share);
    }

    public void clearFaults() {
        faults.clear();
    }

    /** Requests injected with a fault so far. */
    public long faultsInjected() {
        return faults.injected();
    }

    /** Requests received so far, whatever their outcome. */
    public long requests() {
        return requests.get();
    }

    /** Requests of this operation received so far ({@link Operation#ANY}: all). */
    public long requests(Operation operation) {
        return operation == Operation.ANY ? requests.get() : operationCounts.get(operation).get();
    }

    /** Requests authorized by a registered bearer (Microsoft Entra ID) token. */
    public long bearerRequests() {
        return authorized.get(StorageAuthorizer.Kind.BEARER).get();
    }

    /** Requests authorized by a SAS token. */
    public long sasRequests() {
        return authorized.get(StorageAuthorizer.Kind.SAS).get();
    }

    /** Requests authorized by a Shared Key signature. */
    public long sharedKeyRequests() {
        return authorized.get(StorageAuthorizer.Kind.SHARED_KEY).get();
    }

    /** Requests refused with 401 or 403. */
    public long refusedRequests() {
        return refused.get();
    }

    /** The bearer token of the last request authorized by one, or null. */
    public String lastBearerToken() {
        return lastBearerToken;
    }

    private void handle(HttpExchange exchange) {
        String requestId = UUID.randomUUID().toString();
        try (exchange) {
            requests.incrementAndGet();
            boolean blob = true;
            try {
                Request request = parse(exchange);
                blob = request.blob();
                operationCounts.get(request.operation()).incrementAndGet();
                authorize(exchange, request);
                Fault fault = faults.next(request.operation());
                if (fault != null && fault.kind == Fault.Kind.DROP) {
                    readHalf(exchange);
                    return; // closing the exchange without a response closes the connection
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (fault != null && fault.kind == Fault.Kind.STATUS) {
                    Map<String, String> headers = fault.duration == null ? Map.of()
                            : Map.of("Retry-After", Long.toString(Math.max(1, fault.duration.toSeconds())));
                    throw new StorageError(fault.status, fault.code, "Injected fault: " + fault, headers);
                }
                Response response = protocol.handle(request, body);
                if (fault != null && fault.kind == Fault.Kind.LOSE_RESPONSE) {
                    return;
                }
                if (fault != null && fault.kind == Fault.Kind.DELAY) {
                    Thread.sleep(fault.duration.toMillis());
                }
                respond(exchange, response, requestId);
            } catch (StorageError error) {
                if (error.status() == 401 || error.status() == 403) {
                    refused.incrementAndGet();
                }
                respond(exchange, DataLakeProtocol.error(error, blob, requestId), requestId);
            } catch (RuntimeException e) {
                respond(exchange, DataLakeProtocol.error(new StorageError(500, "InternalError", e.toString()), blob, requestId), requestId);
            }
        } catch (IOException | InterruptedException e) {
            // The client went away, or the server is closing: nothing to answer.
        }
    }

    private Request parse(HttpExchange exchange) {
        String rawPath = exchange.getRequestURI().getRawPath();
        String prefix = "/" + account;
        if (!rawPath.equals(prefix) && !rawPath.startsWith(prefix + "/")) {
            throw StorageError.badRequest("InvalidUri", "The path must start with the account: " + prefix);
        }
        String[] parts = rawPath.substring(prefix.length()).replaceFirst("^/", "").split("/", 2);
        String fileSystem = StorageUrls.decode(parts[0]);
        String path = parts.length > 1 ? StorageUrls.decode(parts[1]) : "";
        Map<String, List<String>> query = StorageUrls.parseQuery(exchange.getRequestURI().getRawQuery());
        Headers headers = exchange.getRequestHeaders();
        String method = exchange.getRequestMethod();
        return new Request(method, fileSystem, path, DataLakeProtocol.classify(method, fileSystem, path, query, headers), query, headers);
    }

    private void authorize(HttpExchange exchange, Request request) {
        boolean https = scheme.equals("https");
        String normalizedPath = String.join("/", java.util.Arrays.stream(request.path().split("/")).filter(s -> !s.isEmpty()).toList());
        String resourceType = request.fileSystem().isEmpty() ? "s" : normalizedPath.isEmpty() ? "c" : "o";
        StorageAuthorizer.Target target = new StorageAuthorizer.Target(request.fileSystem().isEmpty() ? null : request.fileSystem(),
                normalizedPath, resourceType, permissionsFor(request.operation()));
        StorageAuthorizer.Kind kind = authorizer.authorize(request.method(), exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(), request.query(), request.headers(), https, target);
        authorized.get(kind).incrementAndGet();
        if (kind == StorageAuthorizer.Kind.BEARER) {
            lastBearerToken = request.headers().getFirst("Authorization").substring("Bearer ".length()).trim();
        }
        String renameSource = request.headers().getFirst("x-ms-rename-source");
        int question = renameSource == null ? -1 : renameSource.indexOf('?');
        if (request.operation() == Operation.RENAME && question >= 0) {
            // The source may carry a SAS of its own; it must cover the source path.
            Map<String, List<String>> sourceQuery = StorageUrls.parseQuery(renameSource.substring(question + 1));
            if (sourceQuery.containsKey("sig")) {
                String[] source = StorageUrls.decode(renameSource.substring(0, question)).replaceFirst("^/+", "").split("/", 2);
                authorizer.verifySas(sourceQuery, https, new StorageAuthorizer.Target(source[0],
                        source.length > 1 ? source[1].replaceAll("/+$", "") : "", "o", "mdw"));
            }
        }
    }

    /** SAS permission letters, any one of which allows the operation. */
    private static String permissionsFor(Operation operation) {
        return switch (operation) {
            case LIST_FILESYSTEMS, LIST_PATHS -> "l";
            case CREATE_FILESYSTEM, CREATE -> "cw";
            case APPEND -> "aw";
            case FLUSH, SET_METADATA -> "w";
            case RENAME -> "mcw";
            case DELETE_FILESYSTEM, DELETE -> "d";
            case GET_FILESYSTEM_PROPERTIES, READ, GET_PROPERTIES -> "r";
            case OTHER, ANY -> "w";
        };
    }

    private static void respond(HttpExchange exchange, Response response, String requestId) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        response.headers().forEach(headers::set);
        headers.set("x-ms-request-id", requestId);
        String version = exchange.getRequestHeaders().getFirst("x-ms-version");
        headers.set("x-ms-version", version != null ? version : DEFAULT_VERSION);
        String clientRequestId = exchange.getRequestHeaders().getFirst("x-ms-client-request-id");
        if (clientRequestId != null) {
            headers.set("x-ms-client-request-id", clientRequestId);
        }
        byte[] body = response.body();
        if (exchange.getRequestMethod().equals("HEAD") || response.status() == 304 || body.length == 0) {
            if (!headers.containsKey("Content-Length") && exchange.getRequestMethod().equals("HEAD")) {
                headers.set("Content-Length", "0");
            }
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        exchange.getResponseBody().write(body);
    }

    private static void readHalf(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        long half = length == null ? 0 : Long.parseLong(length.trim()) / 2;
        InputStream body = exchange.getRequestBody();
        byte[] buffer = new byte[8192];
        while (half > 0) {
            int read = body.read(buffer, 0, (int) Math.min(buffer.length, half));
            if (read < 0) {
                break;
            }
            half -= read;
        }
    }

    private String endpointOf(int port) {
        return scheme + "://127.0.0.1:" + port + "/" + account;
    }

    private static String randomKey() {
        byte[] key = new byte[64];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static SSLContext tls(TestCertificates certificates) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.serverKeystoreP12())) {
            keys.load(in, TestCertificates.STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, TestCertificates.STORE_PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), null, null);
        return context;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            // Requests still being handled write under the root; let them end before it goes.
            executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (temporaryRoot) {
            deleteTree(store.root());
        }
    }

    private static void deleteTree(Path root) {
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // A temporary directory left behind is no reason to fail a test.
        }
    }
}
