package io.iotconnect.anomaly.reading;

import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.connect.data.Struct;

import java.util.List;
import java.util.Map;

/**
 * Where a reading's device id comes from: the record key (our sources' convention) or a field of the transformed
 * value. A key or field that is itself an object has no usable id. For per-device state an id longer than
 * {@value #MAX_KEPT_LENGTH} characters stands for its device by its SHA-256 ({@link #stateKey}), so a device's state
 * costs the same whatever id it sends.
 */
public final class DeviceIdSource {

    /** Ids up to this long are kept as they are; longer ones by their digest. */
    static final int MAX_KEPT_LENGTH = 128;

    /** A long id's stand-in: its SHA-256, which no other id shares. */
    record LongIdDigest(long first, long second, long third, long fourth) {
    }

    private final FieldPath field;

    private DeviceIdSource(FieldPath field) {
        this.field = field;
    }

    /** From a field path, or from the record key when {@code fieldPath} is blank. */
    public static DeviceIdSource of(String fieldPath) {
        return new DeviceIdSource(fieldPath == null || fieldPath.isBlank() ? null : FieldPath.parse(fieldPath));
    }

    /** The id, or null when absent or not a plain value. */
    public Object deviceId(Object key, Object operand) {
        Object id = field == null ? key : field.get(operand);
        if (id == null || id instanceof Struct || id instanceof Map || id instanceof List || id instanceof byte[]) {
            return null;
        }
        return id;
    }

    /**
     * What a device's state is kept under: its id, or for an id longer than {@value #MAX_KEPT_LENGTH} characters its
     * digest; null when there is no usable id.
     */
    public Object stateKey(Object key, Object operand) {
        Object id = deviceId(key, operand);
        if (id instanceof String text && text.length() > MAX_KEPT_LENGTH) {
            return digest(text);
        }
        return id;
    }

    private static LongIdDigest digest(String id) {
        try {
            java.nio.ByteBuffer sha = java.nio.ByteBuffer.wrap(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return new LongIdDigest(sha.getLong(), sha.getLong(), sha.getLong(), sha.getLong());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Where the id is read from, for messages: "the record key" or "field 'deviceId'". */
    public String describe() {
        return field == null ? "the record key" : "field '" + field + "'";
    }
}
