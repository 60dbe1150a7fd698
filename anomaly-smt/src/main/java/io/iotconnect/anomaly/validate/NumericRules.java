package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.Values;

/** Numeric bounds: physical plausibility such as humidity 0..100. */
final class NumericRules {

    private NumericRules() {
    }

    static ValueRule atLeast(double min) {
        return new Bound(min, true);
    }

    static ValueRule atMost(double max) {
        return new Bound(max, false);
    }

    static final class Bound implements ValueRule {
        private final double limit;
        private final boolean lower;
        private final String limitText;

        private Bound(double limit, boolean lower) {
            this.limit = limit;
            this.lower = lower;
            this.limitText = Values.number(limit);
        }

        @Override
        public String problem(Object value, long nowMillis) {
            if (!(value instanceof Number)) {
                return "is " + Values.typeName(value) + ", expected a number";
            }
            double number = Values.asDouble(value);
            if (Double.isNaN(number)) {
                return "is not a finite number";
            }
            if (lower) {
                return number < limit ? "below min " + limitText : null;
            }
            return number > limit ? "above max " + limitText : null;
        }
    }
}
