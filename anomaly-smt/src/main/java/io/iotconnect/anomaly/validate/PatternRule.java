package io.iotconnect.anomaly.validate;

import java.util.regex.Pattern;

/** The value's text must match a regular expression as a whole. */
final class PatternRule implements ValueRule {

    private final Pattern pattern;

    PatternRule(Pattern pattern) {
        this.pattern = pattern;
    }

    @Override
    public String problem(Object value, long nowMillis) {
        if (value instanceof String || value instanceof Number || value instanceof Boolean) {
            return pattern.matcher(value.toString()).matches() ? null : "does not match pattern " + pattern.pattern();
        }
        return "is not text, so cannot match pattern " + pattern.pattern();
    }
}
