package io.iotconnect.common.path;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A dotted path to a nested field ({@code location.lat}) in a {@link Struct} or a schemaless {@link Map}. Parsed once
 * from configuration; lookups allocate nothing once a schema has been seen.
 */
public final class FieldPath {

    private static final Pattern DOT = Pattern.compile("\\.");

    private final String path;
    private final String[] segments;
    // Per segment, the field resolved in the last Struct schema seen at that depth: readings of one source share a
    // schema instance, so the name lookup is skipped. Each slot holds an immutable pair, so sharing a path between
    // threads is safe; a race only costs a second lookup.
    private final Resolved[] resolved;

    private record Resolved(Schema schema, Field field) {
    }

    private FieldPath(String path, String[] segments) {
        this.path = path;
        this.segments = segments;
        this.resolved = new Resolved[segments.length];
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
        for (int i = 0; i < segments.length; i++) {
            if (current instanceof Struct struct) {
                Field field = field(i, struct.schema());
                if (field == null) {
                    return null;
                }
                current = struct.get(field);
            } else if (current instanceof Map<?, ?> map) {
                current = map.get(segments[i]);
            } else {
                return null;
            }
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    private Field field(int depth, Schema schema) {
        Resolved last = resolved[depth];
        if (last != null && last.schema() == schema) {
            return last.field();
        }
        Field field = schema.field(segments[depth]);
        resolved[depth] = new Resolved(schema, field);
        return field;
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
