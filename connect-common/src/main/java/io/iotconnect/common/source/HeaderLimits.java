package io.iotconnect.common.source;

import java.util.Collection;
import java.util.Map;

/**
 * Bounds on the headers a device can put on a record (MQTT 5 user properties, IoT Hub application properties): at
 * most {@code maxCount} of them, of at most {@code maxBytes} of names and values together. Without a bound one
 * message with a megabyte of properties makes a record, and an error record copying it, that the producer refuses,
 * which fails the task. The headers a source adds itself are bounded by its protocol and are not counted.
 *
 * @param maxCount  most device properties kept as headers
 * @param maxBytes  most bytes of their names and values (UTF-8) kept
 * @param overflow  what becomes of a record with more
 * @param countKey  the key that set {@code maxCount}, named in reasons
 * @param bytesKey  the key that set {@code maxBytes}, named in reasons
 */
public record HeaderLimits(int maxCount, int maxBytes, Overflow overflow, String countKey, String bytesKey) {

    /** What becomes of a record whose device properties exceed a bound. */
    public enum Overflow {
        /** The properties that fit are kept in order, the rest left out, and a header says how many were. */
        TRUNCATE,
        /** The record goes to the error topic with the reason, its headers truncated. */
        ERROR_TOPIC
    }

    /** How many of the first properties, in their order, fit both bounds. */
    public int fitting(Collection<? extends Map.Entry<String, ?>> properties) {
        long bytes = 0;
        int kept = 0;
        for (Map.Entry<String, ?> property : properties) {
            bytes += sizeOf(property.getKey(), property.getValue());
            if (kept == maxCount || bytes > maxBytes) {
                break;
            }
            kept++;
        }
        return kept;
    }

    /** Why the properties do not fit, with their number and total size. */
    public String reason(String what, Collection<? extends Map.Entry<String, ?>> properties) {
        long bytes = 0;
        for (Map.Entry<String, ?> property : properties) {
            bytes += sizeOf(property.getKey(), property.getValue());
        }
        return properties.size() + " " + what + " of " + bytes + " bytes exceed " + countKey + "=" + maxCount + " or "
                + bytesKey + "=" + maxBytes;
    }

    /** Bytes of a property's name and value as a header carries them. */
    public static long sizeOf(String name, Object value) {
        return utf8Length(name) + valueSize(value);
    }

    private static long valueSize(Object value) {
        if (value == null) {
            return 0;
        }
        if (value instanceof String text) {
            return utf8Length(text);
        }
        if (value instanceof byte[] bytes) {
            return bytes.length;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return 8;
        }
        return utf8Length(value.toString());
    }

    /** The length of a string in UTF-8, without encoding it. */
    public static long utf8Length(String text) {
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // Two bytes below U+0800, three above; a surrogate pair is four bytes over two chars.
                bytes += c < 0x800 ? 1 : Character.isSurrogate(c) ? 1 : 2;
            }
        }
        return bytes;
    }
}
