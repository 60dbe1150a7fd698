package io.iotconnect.common.json;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One parsed JSON document.
 *
 * @param value the document as plain Java values (see {@link JsonPayloadParser})
 * @param shape the document's shape signature, or null when it was not asked for
 */
public record ParsedJson(Object value, String shape) {

    /** Shapes up to this long are their own cache key; longer ones are keyed by their SHA-256. */
    static final int MAX_SHAPE_KEY_LENGTH = 256;

    /** A long shape's cache key: its SHA-256, so a cache of N shapes holds N small keys, not N payload-sized strings. */
    private record ShapeDigest(long first, long second, long third, long fourth) {
    }

    /**
     * The key schemas are cached by: the shape itself when short (a telemetry payload's is), else its SHA-256, which
     * no device can make collide with another shape's. Computed on each call; callers take it once per record.
     */
    public Object shapeKey() {
        if (shape == null || shape.length() <= MAX_SHAPE_KEY_LENGTH) {
            return shape;
        }
        try {
            ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(shape.getBytes(StandardCharsets.UTF_8)));
            return new ShapeDigest(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
