package io.iotconnect.testing;

import com.sun.net.httpserver.Headers;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Collator;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a storage request's credentials the way the service does: a Shared Key signature recomputed from the
 * request (Blob/ADLS Gen2 scheme, version 2009-09-19 and later), an account or service SAS recomputed from its query
 * parameters, or a bearer token the test registered. Anything else is 401 or 403 with the service's error codes.
 */
final class StorageAuthorizer {

    enum Kind { SHARED_KEY, SAS, BEARER }

    private static final ThreadLocal<Collator> COLLATOR = ThreadLocal.withInitial(() -> Collator.getInstance(Locale.ROOT));
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(15);
    private static final String[] STANDARD_HEADERS = {"Content-Encoding", "Content-Language", "Content-Length",
            "Content-MD5", "Content-Type", "Date", "If-Modified-Since", "If-Match", "If-None-Match",
            "If-Unmodified-Since", "Range"};

    private final String account;
    private final byte[] key;
    private final Set<String> bearerTokens = ConcurrentHashMap.newKeySet();

    StorageAuthorizer(String account, String base64Key) {
        this.account = account;
        this.key = Base64.getDecoder().decode(base64Key);
    }

    void acceptBearerToken(String token) {
        bearerTokens.add(token);
    }

    /** What a request asks for, so a SAS can be checked against its scope and permissions. */
    record Target(String fileSystem, String path, String resourceType, String permissions) {
    }

    /**
     * @param rawPath the request path as sent (still percent-encoded), signed as it is
     * @param rawQuery the query as sent, or null
     * @param query the decoded query parameters, each with its values
     */
    Kind authorize(String method, String rawPath, String rawQuery, Map<String, List<String>> query, Headers headers,
                   boolean https, Target target) {
        String authorization = headers.getFirst("Authorization");
        if (authorization != null && authorization.startsWith("SharedKey ")) {
            verifySharedKey(authorization.substring("SharedKey ".length()), method, rawPath, rawQuery, headers);
            return Kind.SHARED_KEY;
        }
        if (authorization != null && authorization.startsWith("Bearer ")) {
            if (!bearerTokens.contains(authorization.substring("Bearer ".length()).trim())) {
                throw new StorageError(401, "InvalidAuthenticationInfo", "Server failed to authenticate the request. The token is not one the test registered.");
            }
            return Kind.BEARER;
        }
        if (authorization != null) {
            throw new StorageError(401, "InvalidAuthenticationInfo", "Unsupported authorization scheme.");
        }
        if (query.containsKey("sig")) {
            verifySas(query, https, target);
            return Kind.SAS;
        }
        throw new StorageError(401, "NoAuthenticationInformation", "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.");
    }

    private void verifySharedKey(String credential, String method, String rawPath, String rawQuery, Headers headers) {
        int colon = credential.lastIndexOf(':');
        if (colon < 0 || !credential.substring(0, colon).equals(account)) {
            throw authenticationFailed("The account of the Shared Key is not " + account + ".");
        }
        String date = headers.getFirst("x-ms-date") != null ? headers.getFirst("x-ms-date") : headers.getFirst("Date");
        try {
            Instant signedAt = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            if (Duration.between(signedAt, Instant.now()).abs().compareTo(CLOCK_SKEW) > 0) {
                throw authenticationFailed("Request date header too old: " + date);
            }
        } catch (DateTimeParseException | NullPointerException e) {
            throw authenticationFailed("The request has no valid x-ms-date or Date header.");
        }
        String stringToSign = sharedKeyStringToSign(method, rawPath, rawQuery, headers);
        if (!matches(credential.substring(colon + 1), sign(stringToSign))) {
            throw authenticationFailed("The MAC signature found in the HTTP request is not the same as any computed signature. "
                    + "Server used following string to sign: '" + stringToSign + "'.");
        }
    }

    private String sharedKeyStringToSign(String method, String rawPath, String rawQuery, Headers headers) {
        List<String> lines = new ArrayList<>();
        lines.add(method);
        for (String name : STANDARD_HEADERS) {
            String value = headerValue(headers, name);
            if (name.equals("Content-Length") && value.equals("0")
                    || name.equals("Date") && headers.containsKey("x-ms-date")) {
                value = "";
            }
            lines.add(value);
        }
        Collator collator = COLLATOR.get();
        TreeMap<String, String> storageHeaders = new TreeMap<>(collator);
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-ms-")) {
                storageHeaders.put(lower, String.join(",", values));
            }
        });
        StringBuilder canonicalHeaders = new StringBuilder();
        storageHeaders.forEach((name, value) -> {
            if (canonicalHeaders.length() > 0) {
                canonicalHeaders.append('\n');
            }
            canonicalHeaders.append(name).append(':').append(value);
        });
        lines.add(canonicalHeaders.toString());
        StringBuilder resource = new StringBuilder("/").append(account).append(rawPath.isEmpty() ? "/" : rawPath);
        TreeMap<String, List<String>> parameters = new TreeMap<>(collator);
        // As the SDK signs: a value is split at its commas first, then each piece decoded.
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = StorageUrls.decode(equals < 0 ? pair : pair.substring(0, equals)).toLowerCase(Locale.ROOT);
            List<String> values = parameters.computeIfAbsent(name, k -> new ArrayList<>());
            for (String piece : (equals < 0 ? "" : pair.substring(equals + 1)).split(",")) {
                values.add(StorageUrls.decode(piece));
            }
        }
        parameters.forEach((name, values) -> {
            List<String> sorted = new ArrayList<>(values);
            sorted.sort(collator);
            resource.append('\n').append(name).append(':').append(String.join(",", sorted));
        });
        lines.add(resource.toString());
        return String.join("\n", lines);
    }

    private static String headerValue(Headers headers, String name) {
        List<String> values = headers.get(name);
        return values == null ? "" : String.join(",", values);
    }

    /**
     * An account SAS ({@code ss}, {@code srt}) or a service SAS ({@code sr} c, b or d) signed with the account key;
     * user delegation SAS is refused. The IP range is not checked (every client is on the loopback).
     */
    void verifySas(Map<String, List<String>> query, boolean https, Target target) {
        String version = first(query, "sv");
        if (version == null) {
            throw authenticationFailed("The SAS has no signed version (sv).");
        }
        if (first(query, "skoid") != null) {
            throw authenticationFailed("User delegation SAS is not supported by the local endpoint.");
        }
        if ("https".equals(first(query, "spr")) && !https) {
            throw new StorageError(403, "AuthorizationProtocolMismatch", "This request is not authorized to perform this operation using this protocol.");
        }
        Instant now = Instant.now();
        try {
            String start = first(query, "st");
            if (start != null && now.plus(CLOCK_SKEW).isBefore(Instant.parse(start)) || now.isAfter(Instant.parse(first(query, "se")))) {
                throw authenticationFailed("Signature not valid in the specified time frame.");
            }
        } catch (DateTimeParseException | NullPointerException e) {
            throw authenticationFailed("Signed start or expiry time is missing or malformed.");
        }
        String permissions = valueOrEmpty(query, "sp");
        String stringToSign;
        if (query.containsKey("ss")) {
            if (!valueOrEmpty(query, "ss").contains("b") || !valueOrEmpty(query, "srt").contains(target.resourceType())) {
                throw permissionMismatch();
            }
            String common = String.join("\n", account, permissions, first(query, "ss"), first(query, "srt"),
                    valueOrEmpty(query, "st"), first(query, "se"), valueOrEmpty(query, "sip"), valueOrEmpty(query, "spr"), version);
            // Version 2020-12-06 added the encryption scope line (the Java SDK signs it so).
            stringToSign = version.compareTo("2020-12-06") >= 0 ? common + "\n" + valueOrEmpty(query, "ses") + "\n" : common + "\n";
        } else {
            stringToSign = serviceSasStringToSign(query, version, target);
        }
        String signature = first(query, "sig");
        if (signature == null || !matches(signature, sign(stringToSign))) {
            throw authenticationFailed("Signature did not match.");
        }
        if (target.permissions().chars().noneMatch(p -> permissions.indexOf(p) >= 0)) {
            throw permissionMismatch();
        }
    }

    private String serviceSasStringToSign(Map<String, List<String>> query, String version, Target target) {
        String resource = valueOrEmpty(query, "sr");
        String scope = switch (resource) {
            case "c" -> "";
            case "b" -> target.path();
            case "d" -> {
                String[] segments = target.path().split("/");
                int depth = Integer.parseInt(valueOrEmpty(query, "sdd").isEmpty() ? "0" : first(query, "sdd"));
                if (depth > segments.length) {
                    throw permissionMismatch();
                }
                yield String.join("/", java.util.Arrays.copyOf(segments, depth));
            }
            default -> throw authenticationFailed("Unsupported signed resource sr=" + resource + ".");
        };
        if (target.fileSystem() == null || !resource.equals("c") && scope.isEmpty()) {
            throw permissionMismatch();
        }
        String canonical = "/blob/" + account + "/" + target.fileSystem() + (scope.isEmpty() ? "" : "/" + scope);
        List<String> fields = new ArrayList<>(List.of(valueOrEmpty(query, "sp"), valueOrEmpty(query, "st"), valueOrEmpty(query, "se"),
                canonical, valueOrEmpty(query, "si"), valueOrEmpty(query, "sip"), valueOrEmpty(query, "spr"), version, resource, ""));
        if (version.compareTo("2020-10-02") > 0) {
            fields.add(valueOrEmpty(query, "ses"));
        }
        for (String header : List.of("rscc", "rscd", "rsce", "rscl", "rsct")) {
            fields.add(valueOrEmpty(query, header));
        }
        return String.join("\n", fields);
    }

    private String sign(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean matches(String given, String computed) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), computed.getBytes(StandardCharsets.UTF_8));
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String valueOrEmpty(Map<String, List<String>> query, String name) {
        String value = first(query, name);
        return value == null ? "" : value;
    }

    private static StorageError authenticationFailed(String detail) {
        return new StorageError(403, "AuthenticationFailed",
                "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. " + detail);
    }

    private static StorageError permissionMismatch() {
        return new StorageError(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.");
    }
}
