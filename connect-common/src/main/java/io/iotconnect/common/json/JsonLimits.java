package io.iotconnect.common.json;

/**
 * Bounds on one JSON payload, so a hostile or broken device cannot exhaust a worker.
 *
 * @param maxBytes        largest accepted payload, in bytes
 * @param maxDepth        deepest accepted nesting of objects and arrays
 * @param maxStringLength longest accepted string value, in characters
 */
public record JsonLimits(int maxBytes, int maxDepth, int maxStringLength) {

    public static final JsonLimits DEFAULT = new JsonLimits(1024 * 1024, 64, 256 * 1024);

    public JsonLimits {
        if (maxBytes < 1 || maxDepth < 1 || maxStringLength < 1) {
            throw new IllegalArgumentException("JSON limits must be positive: " + maxBytes + ", " + maxDepth + ", " + maxStringLength);
        }
    }
}
