package io.iotconnect.common.json;

import java.util.ArrayList;
import java.util.List;

/**
 * The name of an inferred top-level struct, from a template such as {@code io.iotconnect.${topic}}: {@code ${topic}}
 * stands for the Kafka topic the record goes to, made a valid Avro full name by {@link AvroNames#fullName(String)}
 * (each dot-separated segment on its own), so {@code devices-telemetry} gives {@code io.iotconnect.devices_telemetry}.
 * Text outside the placeholder is kept as written and must make a valid Avro full name with it; {@link #parse} refuses
 * a template that cannot. A template without the placeholder is a fixed name. Immutable.
 */
public final class SchemaNameTemplate {

    public static final String TOPIC_PLACEHOLDER = "${topic}";

    /** What validation substitutes for the topic; any topic gives a valid name when this one does (see {@link #parse}). */
    private static final String SAMPLE_TOPIC = "telemetry";

    private final String text;
    /** Literal parts; the topic goes between each two. */
    private final List<String> literals;

    private SchemaNameTemplate(String text, List<String> literals) {
        this.text = text;
        this.literals = List.copyOf(literals);
    }

    /**
     * Parses a template. The topic's part of a name is always a dot-separated run of valid names, so whether the
     * literal text around it makes valid full names does not depend on the topic: a template that gives a valid name
     * for one topic gives one for every topic, and checking one sample is enough.
     *
     * @throws IllegalArgumentException with what is wrong and an example of a valid template
     */
    public static SchemaNameTemplate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a schema name template must not be empty; for example io.iotconnect.${topic}");
        }
        String template = text.trim();
        List<String> literals = new ArrayList<>();
        int from = 0;
        int at;
        while ((at = template.indexOf(TOPIC_PLACEHOLDER, from)) >= 0) {
            literals.add(template.substring(from, at));
            from = at + TOPIC_PLACEHOLDER.length();
        }
        literals.add(template.substring(from));
        for (String literal : literals) {
            int placeholder = literal.indexOf("${");
            if (placeholder >= 0) {
                int end = literal.indexOf('}', placeholder);
                String unknown = end < 0 ? literal.substring(placeholder) : literal.substring(placeholder, end + 1);
                throw new IllegalArgumentException("'" + template + "' has the placeholder " + unknown + ", but the only "
                        + "placeholder is " + TOPIC_PLACEHOLDER + " (the Kafka topic)");
            }
        }
        SchemaNameTemplate parsed = new SchemaNameTemplate(template, literals);
        String sample = parsed.join(AvroNames.fullName(SAMPLE_TOPIC));
        if (!AvroNames.isValidFullName(sample)) {
            throw new IllegalArgumentException("'" + template + "' cannot make a valid Avro full name: for topic '" + SAMPLE_TOPIC
                    + "' it gives '" + sample + "'. Write names of letters A-Z, a-z, digits and '_', not starting with a "
                    + "digit, joined by single dots, such as io.iotconnect.${topic}");
        }
        return parsed;
    }

    /** Empty for a blank (or null) text, else the parsed template; see {@link #parse}. */
    public static java.util.Optional<SchemaNameTemplate> parseOptional(String text) {
        return text == null || text.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(parse(text));
    }

    /** True when the name depends on the topic (the template has {@value #TOPIC_PLACEHOLDER}). */
    public boolean usesTopic() {
        return literals.size() > 1;
    }

    /** The full name for records going to {@code topic}: always a valid Avro full name. */
    public String resolve(String topic) {
        if (!usesTopic()) {
            return literals.get(0);
        }
        // A template of the placeholder alone with a topic named like a primitive ("string") would name a type "string".
        return AvroNames.notPrimitive(join(AvroNames.fullName(topic == null ? "" : topic)));
    }

    private String join(String topicName) {
        StringBuilder name = new StringBuilder(text.length() + topicName.length());
        for (int i = 0; i < literals.size(); i++) {
            if (i > 0) {
                name.append(topicName);
            }
            name.append(literals.get(i));
        }
        return name.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
