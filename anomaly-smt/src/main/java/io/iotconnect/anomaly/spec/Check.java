package io.iotconnect.anomaly.spec;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One check on a field as an operator wrote it, like {@code range(0, 100)} or {@code zscore(warning=3, warmup=30)}:
 * a name and its arguments, positional or named. The accessors turn the text into typed values and throw
 * {@link RuleSyntaxException} naming the field, the check and the argument when they cannot.
 */
public final class Check {

    private final String field;
    private final String name;
    private final List<String> positional;
    private final Map<String, String> named;

    Check(String field, String name, List<String> positional, Map<String, String> named) {
        this.field = field;
        this.name = name;
        this.positional = List.copyOf(positional);
        this.named = Map.copyOf(named);
    }

    public String name() {
        return name;
    }

    public List<String> positional() {
        return positional;
    }

    public boolean hasArguments() {
        return !positional.isEmpty() || !named.isEmpty();
    }

    /** Fails unless the arguments are at most {@code maxPositional} positional ones and named ones from {@code names}. */
    public Check accepts(int maxPositional, Set<String> names) {
        if (positional.size() > maxPositional) {
            throw error(maxPositional == 0
                    ? "takes no positional arguments" + (names.isEmpty() ? "" : "; name them: " + String.join(", ", sorted(names)))
                    : "takes at most " + maxPositional + " positional argument" + (maxPositional == 1 ? "" : "s") + ", got " + positional.size());
        }
        for (String given : named.keySet()) {
            if (!names.contains(given)) {
                throw error("has no argument '" + given + "'"
                        + (names.isEmpty() ? "" : "; it takes " + String.join(", ", sorted(names))));
            }
        }
        return this;
    }

    /** The argument named {@code name}, else the positional one at {@code index} (-1 for none), else null. */
    public String text(String name, int index) {
        String value = named.get(name);
        if (value != null && index >= 0 && index < positional.size()) {
            throw error("gives '" + name + "' twice, by position and by name");
        }
        if (value == null && index >= 0 && index < positional.size()) {
            value = positional.get(index);
        }
        return value;
    }

    public String requiredText(String name, int index) {
        String value = text(name, index);
        if (value == null || value.isEmpty()) {
            throw error("needs '" + name + "'");
        }
        return value;
    }

    /** A finite number, or {@code fallback} when the argument is absent. */
    public double number(String name, int index, double fallback) {
        String value = text(name, index);
        if (value == null) {
            return fallback;
        }
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error("has '" + name + "'=" + value + ", which is not a finite number like 12.5 or -3");
    }

    public long positiveLong(String name, int index, long fallback) {
        String value = text(name, index);
        if (value == null) {
            return fallback;
        }
        try {
            long number = Long.parseLong(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error("has '" + name + "'=" + value + ", which is not a whole number above 0");
    }

    public Duration duration(String name, int index) {
        String value = requiredText(name, index);
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw error("has '" + name + "'=" + value + ": " + e.getMessage());
        }
    }

    public RuleSyntaxException error(String problem) {
        return new RuleSyntaxException("field '" + field + "', check '" + name + "' " + problem);
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(name);
        if (hasArguments()) {
            text.append('(');
            String separator = "";
            for (String value : positional) {
                text.append(separator).append(value);
                separator = ", ";
            }
            for (Map.Entry<String, String> entry : named.entrySet()) {
                text.append(separator).append(entry.getKey()).append('=').append(entry.getValue());
                separator = ", ";
            }
            text.append(')');
        }
        return text.toString();
    }
}
