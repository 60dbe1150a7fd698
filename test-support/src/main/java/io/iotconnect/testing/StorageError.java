package io.iotconnect.testing;

import java.util.Map;

/**
 * A failed storage request as the service answers it: HTTP status, the error code of {@code x-ms-error-code} and the
 * body, and any headers the answer carries (for example {@code Retry-After} or {@code Content-Range}).
 */
final class StorageError extends RuntimeException {

    private final int status;
    private final String code;
    private final Map<String, String> headers;

    StorageError(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    StorageError(int status, String code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Map<String, String> headers() {
        return headers;
    }

    static StorageError pathNotFound() {
        return new StorageError(404, "PathNotFound", "The specified path does not exist.");
    }

    static StorageError fileSystemNotFound() {
        return new StorageError(404, "FilesystemNotFound", "The specified filesystem does not exist.");
    }

    static StorageError badRequest(String code, String message) {
        return new StorageError(400, code, message);
    }
}
