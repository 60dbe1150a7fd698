package io.iotconnect.cosmos.config;

import io.iotconnect.common.path.FieldPath;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code cosmos.id.template}: literal text and variables, {@code ${topic}}, {@code ${partition}},
 * {@code ${offset}}, {@code ${key}} and value fields as {@code ${value.<field>}} (dots for nesting). Anything else
 * between {@code ${} and {@code }}, and a {@code ${} that is not closed, is an error naming the fix, so that a
 * template the task could not use fails validation instead of every record.
 */
public final class IdTemplate {

    /** What a variable stands for. */
    public enum Source { TOPIC, PARTITION, OFFSET, KEY, VALUE_FIELD }

    /**
     * One piece of the template: literal text, or a variable.
     *
     * @param literal the text, for a literal; null for a variable
     * @param source what the variable stands for; null for a literal
     * @param field with {@link Source#VALUE_FIELD}: the field's path segments
     */
    public record Part(String literal, Source source, List<String> field) {
    }

    private static final String VALUE_PREFIX = "value.";

    private final String text;
    private final List<Part> parts;

    private IdTemplate(String text, List<Part> parts) {
        this.text = text;
        this.parts = List.copyOf(parts);
    }

    /** Parses a template; an empty one has no parts. Throws IllegalArgumentException saying what to write instead. */
    public static IdTemplate parse(String text) {
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf("${", at);
            if (open < 0) {
                parts.add(new Part(text.substring(at), null, null));
                break;
            }
            if (open > at) {
                parts.add(new Part(text.substring(at, open), null, null));
            }
            int close = text.indexOf('}', open + 2);
            int nested = text.indexOf("${", open + 2);
            if (close < 0 || nested >= 0 && nested < close) {
                throw new IllegalArgumentException("'${' at position " + open + " is not closed by '}'; write each variable "
                        + "as ${name}, like ${value.deviceId}-${value.ts}");
            }
            parts.add(variable(text.substring(open + 2, close).trim()));
            at = close + 1;
        }
        return new IdTemplate(text, parts);
    }

    private static Part variable(String name) {
        switch (name) {
            case "topic":
                return new Part(null, Source.TOPIC, null);
            case "partition":
                return new Part(null, Source.PARTITION, null);
            case "offset":
                return new Part(null, Source.OFFSET, null);
            case "key":
                return new Part(null, Source.KEY, null);
            default:
                if (name.startsWith(VALUE_PREFIX)) {
                    try {
                        return new Part(null, Source.VALUE_FIELD, FieldPath.parse(name.substring(VALUE_PREFIX.length())).segments());
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("${" + name + "} names no value field: " + e.getMessage());
                    }
                }
                throw new IllegalArgumentException("${" + name + "} is not a variable; use ${topic}, ${partition}, ${offset}, "
                        + "${key}, or a value field as ${value." + (name.isEmpty() ? "<field>" : name) + "}");
        }
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    public List<Part> parts() {
        return parts;
    }

    @Override
    public String toString() {
        return text;
    }
}
