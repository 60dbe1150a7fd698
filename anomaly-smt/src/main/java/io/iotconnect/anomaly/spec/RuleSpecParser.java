package io.iotconnect.anomaly.spec;

import io.iotconnect.common.path.FieldPath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the small rule language both transforms share, written by hand in connector JSON:
 *
 * <pre>
 * humidity: required number range(0, 100);
 * temperature: above(warning=35, critical=80) zscore(warning=3, warmup=30);
 * deviceId: pattern('^dev-[0-9]+$')
 * </pre>
 *
 * <p>Field rules are separated by {@code ;}. Each is a field path (dots for nesting), a colon, and checks separated by
 * spaces. A check is a name, optionally followed by arguments in parentheses, separated by commas, each either a value
 * or {@code name=value}. A value holding spaces, commas, parentheses, quotes or semicolons is quoted with {@code '} or
 * {@code "}; inside, a doubled quote stands for one.
 */
public final class RuleSpecParser {

    private final String text;
    private int pos;

    private RuleSpecParser(String text) {
        this.text = text;
    }

    /** Parses a whole specification; an empty or blank one yields no rules. */
    public static List<FieldRules> parse(String spec) {
        return new RuleSpecParser(spec == null ? "" : spec).rules();
    }

    private List<FieldRules> rules() {
        List<FieldRules> rules = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        while (true) {
            skipSpaceAnd(';');
            if (atEnd()) {
                return rules;
            }
            int start = pos;
            FieldRules field = fieldRules();
            if (seen.put(field.path().toString(), start) != null) {
                throw error(start, "field '" + field.path() + "' has two rule lists; put all its checks in one");
            }
            rules.add(field);
        }
    }

    private FieldRules fieldRules() {
        int start = pos;
        while (!atEnd() && peek() != ':' && peek() != ';' && peek() != '(') {
            pos++;
        }
        if (atEnd() || peek() != ':') {
            throw error(start, "expected a field name followed by ':', like 'humidity: number range(0, 100)'");
        }
        String name = text.substring(start, pos).trim();
        FieldPath path;
        try {
            path = FieldPath.parse(name);
        } catch (IllegalArgumentException e) {
            throw error(start, e.getMessage());
        }
        if (name.chars().anyMatch(Character::isWhitespace)) {
            throw error(start, "field name '" + name + "' contains a space; a rule list is a field name, a colon, then checks");
        }
        pos++; // ':'
        List<Check> checks = new ArrayList<>();
        while (true) {
            skipSpace();
            if (atEnd() || peek() == ';') {
                break;
            }
            checks.add(check(path.toString()));
        }
        if (checks.isEmpty()) {
            throw error(start, "field '" + name + "' has no checks after the colon");
        }
        return new FieldRules(path, checks);
    }

    private Check check(String field) {
        int start = pos;
        String name = identifier();
        if (name.isEmpty()) {
            throw error(start, "expected a check name (letters, digits, '.', '-', '_'), found '" + peek() + "'");
        }
        List<String> positional = new ArrayList<>();
        Map<String, String> named = new LinkedHashMap<>();
        skipSpace();
        if (!atEnd() && peek() == '(') {
            pos++;
            skipSpace();
            if (!atEnd() && peek() == ')') {
                pos++;
            } else {
                while (true) {
                    argument(field, name, positional, named);
                    skipSpace();
                    if (atEnd()) {
                        throw error(start, "check '" + name + "' of field '" + field + "' is missing its closing ')'");
                    }
                    char c = text.charAt(pos++);
                    if (c == ')') {
                        break;
                    }
                    if (c != ',') {
                        throw error(pos - 1, "expected ',' or ')' in the arguments of '" + name + "', found '" + c + "'");
                    }
                }
            }
        }
        return new Check(field, name, positional, named);
    }

    private void argument(String field, String check, List<String> positional, Map<String, String> named) {
        skipSpace();
        int start = pos;
        if (!atEnd() && (peek() == '\'' || peek() == '"')) {
            addPositional(field, check, positional, named, quoted(), start);
            return;
        }
        String name = identifier();
        skipSpace();
        if (!name.isEmpty() && !atEnd() && peek() == '=') {
            pos++;
            skipSpace();
            String value = !atEnd() && (peek() == '\'' || peek() == '"') ? quoted() : bare();
            if (named.put(name, value) != null) {
                throw error(start, "argument '" + name + "' of check '" + check + "' is given twice");
            }
            return;
        }
        pos = start;
        String value = bare();
        if (value.isEmpty()) {
            throw error(start, "empty argument in check '" + check + "' of field '" + field + "'");
        }
        addPositional(field, check, positional, named, value, start);
    }

    private void addPositional(String field, String check, List<String> positional, Map<String, String> named, String value, int at) {
        if (!named.isEmpty()) {
            throw error(at, "in check '" + check + "' of field '" + field + "', write positional arguments before named ones");
        }
        positional.add(value);
    }

    private String identifier() {
        int start = pos;
        while (!atEnd()) {
            char c = peek();
            if (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_') {
                pos++;
            } else {
                break;
            }
        }
        return text.substring(start, pos);
    }

    private String bare() {
        int start = pos;
        while (!atEnd() && peek() != ',' && peek() != ')' && peek() != ';' && peek() != '(') {
            pos++;
        }
        if (!atEnd() && (peek() == ';' || peek() == '(')) {
            throw error(pos, "'" + peek() + "' inside an argument; quote the value, like pattern('^a;b$')");
        }
        return text.substring(start, pos).trim();
    }

    private String quoted() {
        int start = pos;
        char quote = text.charAt(pos++);
        StringBuilder value = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                if (!atEnd() && peek() == quote) {
                    value.append(quote);
                    pos++;
                } else {
                    return value.toString();
                }
            } else {
                value.append(c);
            }
        }
        throw error(start, "quoted value is never closed; end it with " + quote);
    }

    private void skipSpace() {
        while (!atEnd() && Character.isWhitespace(peek())) {
            pos++;
        }
    }

    private void skipSpaceAnd(char separator) {
        while (!atEnd() && (Character.isWhitespace(peek()) || peek() == separator)) {
            pos++;
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private RuleSyntaxException error(int at, String problem) {
        int from = Math.max(0, at - 15);
        int to = Math.min(text.length(), at + 25);
        String excerpt = (from > 0 ? "..." : "") + text.substring(from, to) + (to < text.length() ? "..." : "");
        return new RuleSyntaxException(problem + " (at character " + (at + 1) + ": " + excerpt.replace('\n', ' ') + ")");
    }
}
