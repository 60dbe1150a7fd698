package io.iotconnect.common.path;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A dotted path to a nested field ({@code location.lat}) in a {@link Struct} or a schemaless {@link Map}. Parsed once
 * from configuration; lookups allocate nothing.
 */
public final class FieldPath {

    private static final Pattern DOT = Pattern.compile("\\.");

    private final String path;
    private final String[] segments;

    private FieldPath(String path, String[] segments) {
        this.path = path;
        this.segments = segments;
    }

    /** Parses {@code a.b.c}; rejects empty paths and empty segments. */
    public static FieldPath parse(String path) {
        Objects.requireNonNull(path, "path");
        String trimmed = path.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("a field path must not be empty");
        }
        String[] segments = DOT.split(trimmed, -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("field path '" + path + "' has an empty segment; write names separated by single dots, like location.lat");
            }
        }
        return new FieldPath(trimmed, segments);
    }

    public List<String> segments() {
        return Arrays.asList(segments);
    }

    /** The value at this path, or null when any step is missing or null or not a container. */
    public Object get(Object root) {
        Object current = root;
        for (String segment : segments) {
            if (current instanceof Struct struct) {
                Field field = struct.schema().field(segment);
                if (field == null) {
                    return null;
                }
                current = struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(segment);
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldPath that && path.equals(that.path);
    }

    @Override
    public int hashCode() {
        return path.hashCode();
    }

    @Override
    public String toString() {
        return path;
    }
}
