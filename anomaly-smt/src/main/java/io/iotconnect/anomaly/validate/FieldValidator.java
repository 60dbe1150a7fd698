package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.EpochUnit;
import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Check;
import io.iotconnect.anomaly.spec.FieldRules;
import io.iotconnect.anomaly.spec.RuleSyntaxException;
import io.iotconnect.common.path.FieldPath;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The compiled checks of one field; evaluation allocates only when the value fails. */
final class FieldValidator {

    private final FieldPath path;
    private final boolean required;
    private final ValueType type;
    private final ValueRule[] rules;

    private FieldValidator(FieldPath path, boolean required, ValueType type, List<ValueRule> rules) {
        this.path = path;
        this.required = required;
        this.type = type;
        this.rules = rules.toArray(new ValueRule[0]);
    }

    static FieldValidator compile(FieldRules spec) {
        boolean required = false;
        ValueType type = null;
        EpochUnit unit = EpochUnit.AUTO;
        List<ValueRule> rules = new ArrayList<>();
        List<Check> timeChecks = new ArrayList<>();
        for (Check check : spec.checks()) {
            ValueType asType = ValueType.forCheck(check.name());
            if (asType != null) {
                if (type != null) {
                    throw check.error("is a second type; a field has one type (" + type.word() + " already)");
                }
                type = asType;
                if (asType == ValueType.TIMESTAMP) {
                    check.accepts(1, Set.of("unit"));
                    String word = check.text("unit", 0);
                    if (word != null) {
                        unit = EpochUnit.of(word);
                        if (unit == null) {
                            throw check.error("has unit=" + word + "; numbers are read by magnitude (auto, the default: "
                                    + "epoch seconds below 1e11, milliseconds above), or as epoch milliseconds (ms) or seconds (s)");
                        }
                    }
                } else {
                    check.accepts(0, Set.of());
                }
                continue;
            }
            switch (check.name()) {
                case "required":
                    check.accepts(0, Set.of());
                    required = true;
                    break;
                case "range": {
                    check.accepts(2, Set.of("min", "max"));
                    double min = check.number("min", 0, Double.NaN);
                    double max = check.number("max", 1, Double.NaN);
                    if (Double.isNaN(min) || Double.isNaN(max)) {
                        throw check.error("needs both bounds, like range(0, 100)");
                    }
                    if (min > max) {
                        throw check.error("has min " + Values.number(min) + " above max " + Values.number(max));
                    }
                    rules.add(NumericRules.atLeast(min));
                    rules.add(NumericRules.atMost(max));
                    break;
                }
                case "min":
                    check.accepts(1, Set.of("value"));
                    rules.add(NumericRules.atLeast(number(check)));
                    break;
                case "max":
                    check.accepts(1, Set.of("value"));
                    rules.add(NumericRules.atMost(number(check)));
                    break;
                case "in": {
                    if (check.positional().isEmpty()) {
                        throw check.error("needs the allowed values, like in(ok, degraded, fault)");
                    }
                    check.accepts(Integer.MAX_VALUE, Set.of());
                    rules.add(new AllowedValuesRule(new LinkedHashSet<>(check.positional())));
                    break;
                }
                case "pattern": {
                    check.accepts(1, Set.of("regex"));
                    String regex = check.requiredText("regex", 0);
                    try {
                        rules.add(new PatternRule(Pattern.compile(regex)));
                    } catch (PatternSyntaxException e) {
                        throw check.error("has an invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
                    }
                    break;
                }
                case "max.future":
                case "max.age":
                    check.accepts(1, Set.of("duration"));
                    timeChecks.add(check);
                    break;
                default:
                    throw check.error("is not a validation check; use required, number, integer, boolean, string, timestamp, "
                            + "range(min, max), min(x), max(x), in(a, b, ...), pattern(regex), max.future(5m), max.age(7d)");
            }
        }
        for (Check check : timeChecks) {
            if (type != ValueType.TIMESTAMP) {
                throw check.error("needs the field to be declared a timestamp; add 'timestamp' (or 'timestamp(unit=s)') before it");
            }
            Duration limit = check.duration("duration", 0);
            rules.add(check.name().equals("max.future") ? TimeRules.notAfterNowPlus(limit, unit)
                    : TimeRules.notBeforeNowMinus(limit, unit));
        }
        if (type == ValueType.TIMESTAMP && timeChecks.isEmpty()) {
            rules.add(0, TimeRules.parsable(unit));
        }
        if (type != null && type != ValueType.NUMBER && type != ValueType.INTEGER
                && rules.stream().anyMatch(rule -> rule instanceof NumericRules.Bound)) {
            throw new RuleSyntaxException("field '" + spec.path() + "' is a " + type.word()
                    + " but has a numeric bound; range, min and max apply to number or integer fields");
        }
        return new FieldValidator(spec.path(), required, type, rules);
    }

    private static double number(Check check) {
        double value = check.number("value", 0, Double.NaN);
        if (Double.isNaN(value)) {
            throw check.error("needs a number, like " + check.name() + "(0)");
        }
        return value;
    }

    /** Adds this field's problems to {@code errors} (created on the first one) and returns it. */
    List<String> validate(Object operand, long nowMillis, List<String> errors) {
        Object value = path.get(operand);
        if (value == null) {
            if (required) {
                errors = add(errors, path + " is missing (required)");
            }
            return errors;
        }
        if (type != null) {
            String problem = type.problem(value);
            if (problem != null) {
                return add(errors, path + "=" + Values.show(value) + " " + problem);
            }
        }
        for (ValueRule rule : rules) {
            String problem = rule.problem(value, nowMillis);
            if (problem != null) {
                return add(errors, path + "=" + Values.show(value) + " " + problem);
            }
        }
        return errors;
    }

    private static List<String> add(List<String> errors, String error) {
        List<String> list = errors == null ? new ArrayList<>(2) : errors;
        list.add(error);
        return list;
    }
}
