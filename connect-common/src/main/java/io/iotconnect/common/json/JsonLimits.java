package io.iotconnect.common.json;

/**
 * Bounds on one JSON payload, so a hostile or broken device cannot exhaust a worker, nor make a schema (and a
 * registry's subject) of thousands of fields.
 *
 * @param maxBytes        largest accepted payload, in bytes
 * @param maxDepth        deepest accepted nesting of objects and arrays
 * @param maxStringLength longest accepted string value, in characters
 * @param maxFields       most object fields in one payload, at every depth together (array elements count each)
 * @param maxNameLength   longest accepted field name, in characters
 */
public record JsonLimits(int maxBytes, int maxDepth, int maxStringLength, int maxFields, int maxNameLength) {

    public static final int MAX_FIELDS_DEFAULT = 1000;
    public static final int MAX_NAME_LENGTH_DEFAULT = 256;

    public static final JsonLimits DEFAULT = new JsonLimits(1024 * 1024, 64, 256 * 1024);

    public JsonLimits {
        if (maxBytes < 1 || maxDepth < 1 || maxStringLength < 1 || maxFields < 1 || maxNameLength < 1) {
            throw new IllegalArgumentException("JSON limits must be positive: " + maxBytes + ", " + maxDepth + ", "
                    + maxStringLength + ", " + maxFields + ", " + maxNameLength);
        }
    }

    /** Bounds with the default field count and name length. */
    public JsonLimits(int maxBytes, int maxDepth, int maxStringLength) {
        this(maxBytes, maxDepth, maxStringLength, MAX_FIELDS_DEFAULT, MAX_NAME_LENGTH_DEFAULT);
    }
}
