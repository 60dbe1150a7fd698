package io.iotconnect.anomaly.reading;

import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.connect.data.Struct;

import java.util.List;
import java.util.Map;

/**
 * Where a reading's device id comes from: the record key (our sources' convention) or a field of the transformed
 * value. A key or field that is itself an object has no usable id.
 */
public final class DeviceIdSource {

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

    /** Where the id is read from, for messages: "the record key" or "field 'deviceId'". */
    public String describe() {
        return field == null ? "the record key" : "field '" + field + "'";
    }
}
