package io.iotconnect.common.config;

import io.iotconnect.common.json.SchemaNameTemplate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Config validators the plugins share. Each names the key and says what to write instead. */
public final class Validators {

    private static final Pattern KAFKA_TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private Validators() {
    }

    /** Accepts one of the enum's values, written in any case, with {@code -} or {@code _} between words. */
    public static <E extends Enum<E>> ConfigDef.Validator oneOf(Class<E> type) {
        return new EnumValidator<>(type);
    }

    /** Parses a value validated by {@link #oneOf(Class)}. */
    public static <E extends Enum<E>> E parseEnum(Class<E> type, String value) {
        String wanted = normalise(value);
        for (E constant : type.getEnumConstants()) {
            if (normalise(constant.name()).equals(wanted)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(value + " is not one of " + names(type));
    }

    /** The enum's values as they are written in configuration: lower case, words joined by {@code -}. */
    public static <E extends Enum<E>> List<String> names(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Validators::configName).collect(Collectors.toList());
    }

    public static String configName(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String normalise(String value) {
        return value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A list with at least one non-blank element. */
    public static ConfigDef.Validator nonEmptyList() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                List<?> list = (List<?>) value;
                if (list == null || list.isEmpty()) {
                    throw new ConfigException(name, value, "at least one value is required");
                }
                for (Object element : list) {
                    if (element == null || element.toString().isBlank()) {
                        throw new ConfigException(name, value, "empty element in the list; separate values by single commas");
                    }
                }
            }

            @Override
            public String toString() {
                return "non-empty list";
            }
        };
    }

    /**
     * A string the plugin's own parser accepts: {@code check} parses the value the way {@code configure()} or
     * {@code start()} will, and throws {@link IllegalArgumentException} (or {@link ConfigException}) with what is
     * wrong. Connect runs a key's validator in {@code config/validate} (a transformation's keys included), so what
     * would fail at start fails there, on its key, with the same message. A null value is passed as the empty string.
     *
     * @param description what the value must be, for the generated configuration reference
     */
    public static ConfigDef.Validator parsedBy(String description, java.util.function.Consumer<String> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = value == null ? "" : value.toString();
                try {
                    check.accept(text);
                } catch (ConfigException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    /** Empty, or a Java regular expression that compiles. */
    public static ConfigDef.Validator regex() {
        return parsedBy("empty or a Java regular expression", text -> {
            if (text.isBlank()) {
                return;
            }
            try {
                Pattern.compile(text);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("not a valid regular expression: " + e.getDescription() + " near index "
                        + e.getIndex(), e);
            }
        });
    }

    /** A duration {@link Durations#parse} reads, from {@code min} to {@code max}. */
    public static ConfigDef.Validator duration(java.time.Duration min, java.time.Duration max) {
        String range = Durations.format(min) + " to " + Durations.format(max);
        return parsedBy("a duration from " + range + ", such as 15m, 2h or 6d", text -> {
            java.time.Duration duration = Durations.parse(text);
            if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                throw new IllegalArgumentException("'" + text.trim() + "' is outside " + range);
            }
        });
    }

    /** Empty, or a schema name template {@link SchemaNameTemplate#parse} accepts (a valid Avro full name with ${topic}). */
    public static ConfigDef.Validator schemaNameTemplate() {
        return parsedBy("empty, or an Avro full name template such as io.iotconnect.${topic}", SchemaNameTemplate::parseOptional);
    }

    /** A valid Kafka topic name, or empty when {@code allowEmpty}. */
    public static ConfigDef.Validator kafkaTopic(boolean allowEmpty) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String topic = value == null ? "" : value.toString().trim();
                if (topic.isEmpty() && allowEmpty) {
                    return;
                }
                if (!KAFKA_TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                    throw new ConfigException(name, value,
                            "not a valid Kafka topic name: use 1 to 249 characters from a-z, A-Z, 0-9, '.', '_' and '-'");
                }
            }

            @Override
            public String toString() {
                return allowEmpty ? "empty or a Kafka topic name" : "a Kafka topic name";
            }
        };
    }

    /** True when {@code topic} is a legal Kafka topic name. */
    public static boolean isValidKafkaTopic(String topic) {
        return KAFKA_TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    private static final class EnumValidator<E extends Enum<E>> implements ConfigDef.Validator {
        private final Class<E> type;

        EnumValidator(Class<E> type) {
            this.type = type;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                throw new ConfigException(name, null, "a value is required; use one of " + names(type));
            }
            try {
                parseEnum(type, value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, "use one of " + names(type));
            }
        }

        @Override
        public String toString() {
            return String.join(", ", names(type));
        }
    }
}
