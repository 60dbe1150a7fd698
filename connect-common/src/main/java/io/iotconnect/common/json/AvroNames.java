package io.iotconnect.common.json;

import java.util.Set;

/**
 * Avro names from arbitrary text: JSON keys and Kafka topics. The Avro specification allows a name only of
 * {@code [A-Za-z_][A-Za-z0-9_]*}, and a full name is such names joined by dots. Java's Avro also accepts other Unicode
 * letters, but readers in other languages do not, so only the specification's characters are kept.
 *
 * <p>The mapping is deterministic and depends on nothing but its input: every character (code point) outside
 * {@code [A-Za-z0-9_]} becomes {@code _}, a leading digit gets a {@code _} prefix and the empty string becomes
 * {@code _}. Distinct inputs may map to one name ({@code temp-c} and {@code temp_c}); callers decide what that means.
 */
public final class AvroNames {

    /** Avro's primitive type names, which a named type without a namespace may not take. */
    private static final Set<String> PRIMITIVE_TYPES = Set.of("null", "boolean", "int", "long", "float", "double", "bytes", "string");

    private AvroNames() {
    }

    /** A valid Avro name for {@code text}; {@code text} itself when it already is one. */
    public static String name(String text) {
        if (isValidName(text)) {
            return text;
        }
        if (text.isEmpty()) {
            return "_";
        }
        StringBuilder name = new StringBuilder(text.length() + 1);
        if (isDigit(text.charAt(0))) {
            name.append('_');
        }
        text.codePoints().forEach(c -> name.append(isNameChar(c) ? (char) c : '_'));
        return name.toString();
    }

    /**
     * A valid Avro full name for dot-separated {@code text} (a Kafka topic such as {@code devices-telemetry.v2}): each
     * segment through {@link #name(String)}, empty segments included, so {@code a..b} becomes {@code a._.b}.
     */
    public static String fullName(String text) {
        String[] segments = text.split("\\.", -1);
        StringBuilder fullName = new StringBuilder(text.length() + 4);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                fullName.append('.');
            }
            fullName.append(name(segments[i]));
        }
        return fullName.toString();
    }

    /** True when {@code text} matches {@code [A-Za-z_][A-Za-z0-9_]*}. */
    public static boolean isValidName(String text) {
        if (text.isEmpty() || isDigit(text.charAt(0))) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isNameChar(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * True when {@code text} is a valid full name for a named type: valid names joined by single dots, and not a
     * primitive type's name ({@code string}, {@code int}, ...), which the specification reserves.
     */
    public static boolean isValidFullName(String text) {
        if (PRIMITIVE_TYPES.contains(text)) {
            return false;
        }
        for (String segment : text.split("\\.", -1)) {
            if (!isValidName(segment)) {
                return false;
            }
        }
        return true;
    }

    /** {@code fullName} itself, or with a {@code _} suffix when it is a primitive type's name. */
    static String notPrimitive(String fullName) {
        return PRIMITIVE_TYPES.contains(fullName) ? fullName + "_" : fullName;
    }

    private static boolean isNameChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || isDigit(c) || c == '_';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
