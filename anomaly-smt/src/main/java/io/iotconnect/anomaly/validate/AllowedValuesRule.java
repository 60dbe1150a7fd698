package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.Values;

import java.util.Set;

/** The value must be one of a listed set; numbers compare by value (1 matches 1.0), everything else by its text. */
final class AllowedValuesRule implements ValueRule {

    private final Set<String> allowed;
    private final double[] allowedNumbers;
    private final String listing;

    AllowedValuesRule(Set<String> allowed) {
        this.allowed = Set.copyOf(allowed);
        this.allowedNumbers = allowed.stream().mapToDouble(AllowedValuesRule::parseOrNaN).filter(d -> !Double.isNaN(d)).toArray();
        this.listing = String.join(", ", allowed);
    }

    private static double parseOrNaN(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    @Override
    public String problem(Object value, long nowMillis) {
        if (value instanceof Number) {
            double number = Values.asDouble(value);
            for (double candidate : allowedNumbers) {
                if (candidate == number) {
                    return null;
                }
            }
        } else if (allowed.contains(String.valueOf(value))) {
            return null;
        }
        return "is not one of " + listing;
    }
}
