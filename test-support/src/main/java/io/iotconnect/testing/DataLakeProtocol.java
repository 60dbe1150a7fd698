package io.iotconnect.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import io.iotconnect.testing.DataLakeServer.Operation;
import io.iotconnect.testing.DataLakeStore.Attributes;
import io.iotconnect.testing.DataLakeStore.Content;
import io.iotconnect.testing.DataLakeStore.Listing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST operations of ADLS Gen2 (dfs) and the few Blob-API ones the Data Lake SDK routes to the same URL, mapped
 * onto a {@link DataLakeStore}: request in, status, headers and body out. Header and JSON shapes follow what the
 * service sends, since the SDK parses them.
 */
final class DataLakeProtocol {

    /** A parsed request: file system and path decoded (empty when absent), query parameters decoded. */
    record Request(String method, String fileSystem, String path, Operation operation, Map<String, List<String>> query,
                   Headers headers) {
        String param(String name) {
            List<String> values = query.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        /** Blob-shaped requests get Blob error codes and XML error bodies, as the blob endpoint answers them. */
        boolean blob() {
            return query.containsKey("restype") || query.containsKey("comp") || fileSystem.isEmpty()
                    || method.equals("GET") && !path.isEmpty() && param("action") == null;
        }
    }

    /** What to answer. */
    record Response(int status, Map<String, String> headers, byte[] body) {
        static Response of(int status) {
            return new Response(status, new LinkedHashMap<>(), new byte[0]);
        }

        Response header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
            .withZone(ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final int MAX_RESULTS = 5000;
    private static final String META_PREFIX = "x-ms-meta-";
    /** Windows file time (100 ns since 1601) of the Unix epoch, the service's format for creation times in listings. */
    private static final long FILE_TIME_EPOCH = 116444736000000000L;

    private final DataLakeStore store;
    private final String serviceEndpoint;

    DataLakeProtocol(DataLakeStore store, String serviceEndpoint) {
        this.store = store;
        this.serviceEndpoint = serviceEndpoint;
    }

    /** Which operation a request is, from its method, query and headers. */
    static Operation classify(String method, String fileSystem, String path, Map<String, List<String>> query, Headers headers) {
        String resource = first(query, "resource");
        String action = first(query, "action");
        if (fileSystem.isEmpty()) {
            return method.equals("GET") && "list".equals(first(query, "comp")) ? Operation.LIST_FILESYSTEMS : Operation.OTHER;
        }
        if (path.isEmpty()) {
            boolean container = "container".equals(first(query, "restype")) && !query.containsKey("comp");
            boolean filesystem = "filesystem".equals(resource);
            return switch (method) {
                case "PUT" -> container || filesystem ? Operation.CREATE_FILESYSTEM : Operation.OTHER;
                case "DELETE" -> container || filesystem ? Operation.DELETE_FILESYSTEM : Operation.OTHER;
                case "HEAD" -> container || filesystem ? Operation.GET_FILESYSTEM_PROPERTIES : Operation.OTHER;
                case "GET" -> filesystem ? Operation.LIST_PATHS : container ? Operation.GET_FILESYSTEM_PROPERTIES : Operation.OTHER;
                default -> Operation.OTHER;
            };
        }
        return switch (method) {
            case "PUT" -> headers.containsKey("x-ms-rename-source") ? Operation.RENAME
                    : "file".equals(resource) || "directory".equals(resource) ? Operation.CREATE
                    : "metadata".equals(first(query, "comp")) ? Operation.SET_METADATA : Operation.OTHER;
            case "PATCH" -> "append".equals(action) ? Operation.APPEND : "flush".equals(action) ? Operation.FLUSH : Operation.OTHER;
            case "DELETE" -> Operation.DELETE;
            case "GET" -> action == null ? Operation.READ : Operation.OTHER;
            case "HEAD" -> Operation.GET_PROPERTIES;
            default -> Operation.OTHER;
        };
    }

    Response handle(Request request, byte[] body) {
        String fs = request.fileSystem();
        String path = request.path();
        return switch (request.operation()) {
            case LIST_FILESYSTEMS -> listFileSystems(request);
            case CREATE_FILESYSTEM -> {
                store.createFileSystem(fs);
                yield withAttributes(Response.of(201), store.fileSystem(fs));
            }
            case DELETE_FILESYSTEM -> {
                store.deleteFileSystem(fs);
                yield Response.of(202);
            }
            case GET_FILESYSTEM_PROPERTIES -> withAttributes(Response.of(200), store.fileSystem(fs))
                    .header("x-ms-lease-status", "unlocked").header("x-ms-lease-state", "available")
                    .header("x-ms-has-immutability-policy", "false").header("x-ms-has-legal-hold", "false")
                    .header("x-ms-default-encryption-scope", "$account-encryption-key")
                    .header("x-ms-deny-encryption-scope-override", "false").header("x-ms-namespace-enabled", "true");
            case CREATE -> create(request);
            case APPEND -> append(request, body);
            case FLUSH -> withAttributes(Response.of(200), store.flush(fs, path, requiredLong(request, "position"),
                    "true".equalsIgnoreCase(request.param("retainUncommittedData")), StorageConditions.from(request.headers(), "")))
                    .header("x-ms-request-server-encrypted", "true");
            case RENAME -> rename(request);
            case DELETE -> {
                store.delete(fs, path, "true".equalsIgnoreCase(request.param("recursive")), StorageConditions.from(request.headers(), ""));
                yield Response.of(200);
            }
            case LIST_PATHS -> listPaths(request);
            case READ -> read(request);
            case GET_PROPERTIES -> {
                Attributes attributes = store.properties(fs, path);
                yield StorageConditions.from(request.headers(), "").notModified(attributes)
                        ? withAttributes(Response.of(304), attributes)
                        : withMetadata(pathHeaders(Response.of(200), attributes), store.metadata(fs, path))
                                .header("Content-Length", Long.toString(attributes.length()));
            }
            case SET_METADATA -> withAttributes(Response.of(200), store.setMetadata(fs, path, metaHeaders(request.headers()),
                    StorageConditions.from(request.headers(), ""))).header("x-ms-request-server-encrypted", "true");
            case OTHER, ANY -> throw StorageError.badRequest("UnsupportedHttpVerb",
                    "The local ADLS Gen2 endpoint does not serve " + request.method() + " with " + request.query().keySet() + ".");
        };
    }

    private Response create(Request request) {
        boolean directory = "directory".equals(request.param("resource"));
        Attributes created = store.create(request.fileSystem(), request.path(), directory, StorageConditions.from(request.headers(), ""),
                properties(request.headers().getFirst("x-ms-properties")));
        return withAttributes(Response.of(201), created).header("x-ms-request-server-encrypted", "true");
    }

    private Response append(Request request, byte[] body) {
        String md5 = request.headers().getFirst("Content-MD5");
        if (md5 != null && !md5.equals(Base64.getEncoder().encodeToString(md5(body)))) {
            throw StorageError.badRequest("Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.");
        }
        long position = requiredLong(request, "position");
        store.append(request.fileSystem(), request.path(), position, body);
        Response response = Response.of(202).header("x-ms-request-server-encrypted", "true");
        if ("true".equalsIgnoreCase(request.param("flush"))) {
            withAttributes(response, store.flush(request.fileSystem(), request.path(), position + body.length, false, StorageConditions.NONE));
        }
        return response;
    }

    private Response rename(Request request) {
        String source = request.headers().getFirst("x-ms-rename-source");
        int question = source.indexOf('?');
        String sourcePath = StorageUrls.decode(question < 0 ? source : source.substring(0, question));
        String[] parts = sourcePath.replaceFirst("^/+", "").split("/", 2);
        if (parts.length < 2 || parts[1].isEmpty()) {
            throw StorageError.badRequest("InvalidSourceUri", "The source URI is invalid: " + source);
        }
        Attributes moved = store.rename(parts[0], parts[1], StorageConditions.from(request.headers(), "x-ms-source-"),
                request.fileSystem(), request.path(), StorageConditions.from(request.headers(), ""));
        return withAttributes(Response.of(201), moved);
    }

    private Response read(Request request) {
        Attributes current = store.properties(request.fileSystem(), request.path());
        if (StorageConditions.from(request.headers(), "").notModified(current)) {
            return withAttributes(Response.of(304), current);
        }
        String range = request.headers().getFirst("x-ms-range");
        if (range == null) {
            range = request.headers().getFirst("Range");
        }
        Matcher matcher = range == null ? null : RANGE.matcher(range.trim());
        boolean ranged = matcher != null && matcher.matches();
        Content content = ranged
                ? store.read(request.fileSystem(), request.path(), Long.parseLong(matcher.group(1)),
                        matcher.group(2).isEmpty() ? null : Long.parseLong(matcher.group(2)))
                : store.read(request.fileSystem(), request.path(), null, null);
        Response response = withMetadata(pathHeaders(new Response(ranged ? 206 : 200, new LinkedHashMap<>(), content.bytes()),
                content.attributes()), store.metadata(request.fileSystem(), request.path()));
        if (ranged) {
            long last = content.offset() + content.bytes().length - 1;
            response.header("Content-Range", "bytes " + content.offset() + "-" + last + "/" + content.attributes().length());
        }
        return response;
    }

    private Response listPaths(Request request) {
        if (!"filesystem".equals(request.param("resource"))) {
            throw StorageError.badRequest("InvalidQueryParameterValue", "resource must be filesystem");
        }
        String maxResults = request.param("maxResults");
        int pageSize = maxResults == null ? MAX_RESULTS : Math.max(1, Math.min(MAX_RESULTS, Integer.parseInt(maxResults)));
        Listing listing = store.list(request.fileSystem(), request.param("directory"),
                "true".equalsIgnoreCase(request.param("recursive")), pageSize, request.param("continuation"));
        ObjectNode document = JSON.createObjectNode();
        ArrayNode paths = document.putArray("paths");
        for (DataLakeStore.Entry entry : listing.entries()) {
            Attributes attributes = entry.attributes();
            ObjectNode path = paths.addObject();
            path.put("name", entry.name());
            if (attributes.directory()) {
                path.put("isDirectory", "true");
            }
            // The service sends numbers and booleans as JSON strings, and the ETag unquoted.
            path.put("contentLength", Long.toString(attributes.length()));
            path.put("lastModified", HTTP_DATE.format(attributes.lastModified()));
            path.put("etag", attributes.etag().replace("\"", ""));
            path.put("owner", "$superuser");
            path.put("group", "$superuser");
            path.put("permissions", attributes.directory() ? "rwxr-x---" : "rw-r-----");
            long created = attributes.created().getEpochSecond() * 10_000_000L + attributes.created().getNano() / 100 + FILE_TIME_EPOCH;
            path.put("creationTime", Long.toString(created));
        }
        Response response = new Response(200, new LinkedHashMap<>(), toJson(document))
                .header("Content-Type", "application/json;charset=utf-8");
        if (listing.continuation() != null) {
            response.header("x-ms-continuation", listing.continuation());
        }
        return response;
    }

    /** The Blob API's container listing, which {@code DataLakeServiceClient.listFileSystems} uses; one page. */
    private Response listFileSystems(Request request) {
        String prefix = request.param("prefix") == null ? "" : request.param("prefix");
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"")
                .append(escapeXml(serviceEndpoint)).append("/\"><Containers>");
        for (DataLakeStore.Entry fileSystem : store.fileSystems()) {
            if (fileSystem.name().startsWith(prefix)) {
                xml.append("<Container><Name>").append(escapeXml(fileSystem.name())).append("</Name><Properties><Last-Modified>")
                        .append(HTTP_DATE.format(fileSystem.attributes().lastModified())).append("</Last-Modified><Etag>")
                        .append(escapeXml(fileSystem.attributes().etag())).append("</Etag><LeaseStatus>unlocked</LeaseStatus>")
                        .append("<LeaseState>available</LeaseState><HasImmutabilityPolicy>false</HasImmutabilityPolicy>")
                        .append("<HasLegalHold>false</HasLegalHold></Properties></Container>");
            }
        }
        xml.append("</Containers><NextMarker /></EnumerationResults>");
        return new Response(200, new LinkedHashMap<>(), xml.toString().getBytes(StandardCharsets.UTF_8))
                .header("Content-Type", "application/xml");
    }

    /** Headers of a path answer, for the Blob (get properties, download) and the dfs (HEAD) shapes alike. */
    private static Response pathHeaders(Response response, Attributes attributes) {
        withAttributes(response, attributes)
                .header("Content-Type", "application/octet-stream")
                .header("Accept-Ranges", "bytes")
                .header("x-ms-creation-time", HTTP_DATE.format(attributes.created()))
                .header("x-ms-blob-type", "BlockBlob")
                .header("x-ms-lease-status", "unlocked")
                .header("x-ms-lease-state", "available")
                .header("x-ms-server-encrypted", "true")
                .header("x-ms-resource-type", attributes.directory() ? "directory" : "file")
                .header("x-ms-owner", "$superuser")
                .header("x-ms-group", "$superuser")
                .header("x-ms-permissions", attributes.directory() ? "rwxr-x---" : "rw-r-----");
        if (attributes.directory()) {
            response.header("x-ms-meta-hdi_isfolder", "true");
        }
        return response;
    }

    /**
     * A path's user metadata in both of the service's shapes, since one URL answers both APIs here: {@code x-ms-meta-*}
     * headers (Blob get properties and download) and {@code x-ms-properties} (dfs get properties).
     */
    private static Response withMetadata(Response response, Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return response;
        }
        StringBuilder properties = new StringBuilder();
        metadata.forEach((name, value) -> {
            response.header("x-ms-meta-" + name, value);
            properties.append(properties.length() == 0 ? "" : ",").append(name).append('=')
                    .append(Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        });
        return response.header("x-ms-properties", properties.toString());
    }

    /** The {@code x-ms-meta-<name>} headers of a request (Set Blob Metadata), by name. */
    private static Map<String, String> metaHeaders(Headers headers) {
        Map<String, String> metadata = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            if (name.regionMatches(true, 0, META_PREFIX, 0, META_PREFIX.length()) && name.length() > META_PREFIX.length()) {
                metadata.put(name.substring(META_PREFIX.length()).toLowerCase(Locale.ROOT), values.isEmpty() ? "" : values.get(0));
            }
        });
        return metadata;
    }

    /** The {@code x-ms-properties} header of a dfs create: {@code name=<base64 value>}, comma-separated. */
    private static Map<String, String> properties(String header) {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return metadata;
        }
        for (String pair : header.split(",")) {
            int equals = pair.indexOf('=');
            if (equals <= 0) {
                throw StorageError.badRequest("InvalidHeaderValue", "x-ms-properties must be name=<base64 value> pairs.");
            }
            try {
                metadata.put(pair.substring(0, equals).trim().toLowerCase(Locale.ROOT),
                        new String(Base64.getDecoder().decode(pair.substring(equals + 1).trim()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw StorageError.badRequest("InvalidHeaderValue", "An x-ms-properties value is not base64.");
            }
        }
        return metadata;
    }

    private static Response withAttributes(Response response, Attributes attributes) {
        return response.header("ETag", attributes.etag()).header("Last-Modified", HTTP_DATE.format(attributes.lastModified()));
    }

    private static long requiredLong(Request request, String name) {
        String value = request.param(name);
        if (value == null) {
            throw StorageError.badRequest("MissingRequiredQueryParameter", "The query parameter " + name + " is required.");
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw StorageError.badRequest("InvalidQueryParameterValue", "Value for " + name + " is not a number: " + value);
        }
    }

    /** An error answer: JSON for dfs requests, XML for blob-shaped ones, the code in {@code x-ms-error-code} always. */
    static Response error(StorageError error, boolean blob, String requestId) {
        String code = blob ? blobCode(error.code()) : error.code();
        String message = error.getMessage() + "\nRequestId:" + requestId + "\nTime:" + Instant.now();
        byte[] body;
        String type;
        if (blob) {
            body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + escapeXml(code) + "</Code><Message>"
                    + escapeXml(message) + "</Message></Error>").getBytes(StandardCharsets.UTF_8);
            type = "application/xml";
        } else {
            ObjectNode document = JSON.createObjectNode();
            document.putObject("error").put("code", code).put("message", message);
            body = toJson(document);
            type = "application/json;charset=utf-8";
        }
        Response response = new Response(error.status(), new LinkedHashMap<>(error.headers()), body)
                .header("Content-Type", type).header("x-ms-error-code", code);
        return response;
    }

    private static String blobCode(String code) {
        return switch (code) {
            case "FilesystemAlreadyExists" -> "ContainerAlreadyExists";
            case "FilesystemNotFound" -> "ContainerNotFound";
            case "PathNotFound" -> "BlobNotFound";
            default -> code;
        };
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static byte[] toJson(ObjectNode document) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            JSON.writeValue(out, document);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] md5(byte[] body) {
        try {
            return MessageDigest.getInstance("MD5").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String escapeXml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
