package io.iotconnect.datalake.partition;

import java.nio.charset.StandardCharsets;

/**
 * Makes a record's value safe as one directory name, the way Hive and Spark escape partition values, so that they read
 * the value back unchanged: every character Hive escapes ({@code " # % ' * / : = ? \ ^ [ ] { }}, DEL and control
 * characters) becomes {@code %XX}, and so do {@code .} and {@code ..} as whole names. No value can add a directory
 * level or climb out of its own. A null or empty value is Hive's default partition.
 */
public final class PathEscaping {

    /** The name Hive and Spark give a partition whose value is null. */
    public static final String NULL_VALUE = "__HIVE_DEFAULT_PARTITION__";

    /** The longest value kept: an escaped name beyond it is cut, so no value exceeds a path segment's limits. */
    static final int MAX_VALUE_CHARS = 200;

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathEscaping() {
    }

    public static String escape(String value) {
        if (value == null || value.isEmpty()) {
            return NULL_VALUE;
        }
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E");
        }
        StringBuilder escaped = null;
        int i = 0;
        while (i < value.length()) {
            int codePoint = value.codePointAt(i);
            int next = i + Character.charCount(codePoint);
            boolean loneSurrogate = codePoint <= 0xFFFF && Character.isSurrogate((char) codePoint);
            if (loneSurrogate || needsEscape(codePoint)) {
                if (escaped == null) {
                    escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
                }
                // A lone surrogate has no UTF-8 form: it is written as the replacement character.
                String character = loneSurrogate ? "\uFFFD" : value.substring(i, next);
                for (byte b : character.getBytes(StandardCharsets.UTF_8)) {
                    escaped.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
                }
            } else if (escaped != null) {
                escaped.append(value, i, next);
            }
            i = next;
        }
        String result = escaped == null ? value : escaped.toString();
        return result.length() > MAX_VALUE_CHARS ? result.substring(0, cutPoint(result)) : result;
    }

    private static boolean needsEscape(int c) {
        if (c < 0x20 || c == 0x7F) {
            return true;
        }
        return switch (c) {
            case '"', '#', '%', '\'', '*', '/', ':', '=', '?', '\\', '^', '[', ']', '{', '}' -> true;
            default -> false;
        };
    }

    /** Cuts at the limit but never inside an escape or a surrogate pair. */
    private static int cutPoint(String escaped) {
        int end = MAX_VALUE_CHARS;
        for (int back = 1; back <= 2; back++) {
            if (escaped.charAt(end - back) == '%') {
                return end - back;
            }
        }
        return Character.isHighSurrogate(escaped.charAt(end - 1)) ? end - 1 : end;
    }
}
