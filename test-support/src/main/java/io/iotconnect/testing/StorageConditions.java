package io.iotconnect.testing;

import com.sun.net.httpserver.Headers;
import io.iotconnect.testing.DataLakeStore.Attributes;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The conditional headers of a request about its target (or, with {@code x-ms-source-}, a rename's source), and
 * what they mean for a write (409 for {@code If-None-Match: *} on an existing path, else 412) or a read (304 or 412).
 */
record StorageConditions(String ifMatch, String ifNoneMatch, Instant ifModifiedSince, Instant ifUnmodifiedSince) {

    static final StorageConditions NONE = new StorageConditions(null, null, null, null);

    /** Reads {@code if-match} and the others, each name after {@code prefix} ("" or "x-ms-source-"). */
    static StorageConditions from(Headers headers, String prefix) {
        return new StorageConditions(headers.getFirst(prefix + "if-match"), headers.getFirst(prefix + "if-none-match"),
                date(headers.getFirst(prefix + "if-modified-since")), date(headers.getFirst(prefix + "if-unmodified-since")));
    }

    /** Applies these conditions to the target of a write, null when it does not exist. */
    void checkWrite(Attributes existing) {
        if (ifNoneMatch != null && existing != null) {
            if (ifNoneMatch.equals("*")) {
                throw new StorageError(409, "PathAlreadyExists", "The specified path already exists.");
            }
            if (sameEtag(ifNoneMatch, existing.etag())) {
                throw conditionNotMet();
            }
        }
        if (ifMatch != null && (existing == null || !ifMatch.equals("*") && !sameEtag(ifMatch, existing.etag()))) {
            throw conditionNotMet();
        }
        if (existing != null && (ifModifiedSince != null && !modified(existing).isAfter(ifModifiedSince)
                || ifUnmodifiedSince != null && modified(existing).isAfter(ifUnmodifiedSince))) {
            throw conditionNotMet();
        }
    }

    /** For a read: true to answer 304; throws 412 when a precondition fails. */
    boolean notModified(Attributes current) {
        if (ifMatch != null && !ifMatch.equals("*") && !sameEtag(ifMatch, current.etag())
                || ifUnmodifiedSince != null && modified(current).isAfter(ifUnmodifiedSince)) {
            throw conditionNotMet();
        }
        return ifNoneMatch != null && (ifNoneMatch.equals("*") || sameEtag(ifNoneMatch, current.etag()))
                || ifModifiedSince != null && !modified(current).isAfter(ifModifiedSince);
    }

    /** HTTP dates have whole seconds. */
    private static Instant modified(Attributes attributes) {
        return attributes.lastModified().truncatedTo(ChronoUnit.SECONDS);
    }

    private static boolean sameEtag(String condition, String etag) {
        for (String candidate : condition.split(",")) {
            if (unquote(candidate.trim()).equals(unquote(etag))) {
                return true;
            }
        }
        return false;
    }

    private static String unquote(String etag) {
        return etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"") ? etag.substring(1, etag.length() - 1) : etag;
    }

    private static StorageError conditionNotMet() {
        return new StorageError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met.");
    }

    private static Instant date(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw StorageError.badRequest("InvalidHeaderValue", "Not an HTTP date: " + value);
        }
    }
}
