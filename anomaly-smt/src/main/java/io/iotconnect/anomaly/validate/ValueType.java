package io.iotconnect.anomaly.validate;

import io.iotconnect.anomaly.reading.Values;

/** The types a rule can require of a field. */
enum ValueType {
    NUMBER("number") {
        @Override
        String problem(Object value) {
            if (!(value instanceof Number)) {
                return "is " + Values.typeName(value) + ", expected a number";
            }
            return Double.isFinite(Values.asDouble(value)) ? null : "is not a finite number";
        }
    },
    INTEGER("integer") {
        @Override
        String problem(Object value) {
            if (!(value instanceof Number)) {
                return "is " + Values.typeName(value) + ", expected an integer";
            }
            return Values.isIntegral(value) ? null : "is not a whole number";
        }
    },
    BOOLEAN("boolean") {
        @Override
        String problem(Object value) {
            return value instanceof Boolean ? null : "is " + Values.typeName(value) + ", expected a boolean";
        }
    },
    STRING("string") {
        @Override
        String problem(Object value) {
            return value instanceof String ? null : "is " + Values.typeName(value) + ", expected a string";
        }
    },
    TIMESTAMP("timestamp") {
        @Override
        String problem(Object value) {
            // Checked with the unit by TimestampRule; here only the broad kind.
            return value instanceof java.util.Date || value instanceof Number || value instanceof String ? null
                    : "is " + Values.typeName(value) + ", expected a time";
        }
    };

    private final String word;

    ValueType(String word) {
        this.word = word;
    }

    String word() {
        return word;
    }

    /** Null when the value has this type, else what is wrong (after the field and value in a message). */
    abstract String problem(Object value);

    static ValueType forCheck(String name) {
        for (ValueType type : values()) {
            if (type.word.equals(name)) {
                return type;
            }
        }
        return null;
    }
}
