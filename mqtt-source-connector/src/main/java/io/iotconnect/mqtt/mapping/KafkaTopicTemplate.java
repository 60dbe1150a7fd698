package io.iotconnect.mqtt.mapping;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Chooses the Kafka topic of a message from its MQTT topic. A template is literal text with placeholders:
 * {@code ${N}} is the N-th level of the MQTT topic counted from 1, {@code ${-N}} the N-th from the end, and
 * {@code ${topic}} the whole MQTT topic with '/' turned into '.'. A template without placeholders is a fixed topic.
 * Characters a Kafka topic cannot hold are replaced by '_'. Example: {@code telemetry.${2}} sends
 * {@code sites/berlin/dev-7} to {@code telemetry.berlin}.
 */
public final class KafkaTopicTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern INDEX = Pattern.compile("-?[1-9][0-9]{0,3}");
    private static final int MAX_TOPIC_LENGTH = 249;
    private static final int WHOLE_TOPIC = 0;

    private final String template;
    /** Literal parts (String) and level references (Integer: 1-based, negative from the end, 0 = whole topic). */
    private final Object[] parts;
    private final String fixed;

    private KafkaTopicTemplate(String template, Object[] parts) {
        this.template = template;
        this.parts = parts;
        this.fixed = parts.length == 1 && parts[0] instanceof String text ? text : parts.length == 0 ? "" : null;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming the bad placeholder or character
     */
    public static KafkaTopicTemplate parse(String template) {
        if (template == null || template.isBlank()) {
            throw new IllegalArgumentException("the Kafka topic template is empty; give a topic name like telemetry or a template like telemetry.${2}");
        }
        List<Object> parts = new ArrayList<>();
        Matcher matcher = PLACEHOLDER.matcher(template);
        int last = 0;
        while (matcher.find()) {
            addLiteral(template, template.substring(last, matcher.start()), parts);
            String name = matcher.group(1).trim();
            if (name.equals("topic")) {
                parts.add(WHOLE_TOPIC);
            } else if (INDEX.matcher(name).matches()) {
                parts.add(Integer.parseInt(name));
            } else {
                throw new IllegalArgumentException("placeholder ${" + matcher.group(1) + "} in Kafka topic template '" + template
                        + "' is not valid: use ${N} for the N-th MQTT topic level (from 1), ${-N} to count from the end, or ${topic}");
            }
            last = matcher.end();
        }
        addLiteral(template, template.substring(last), parts);
        return new KafkaTopicTemplate(template, parts.toArray());
    }

    private static void addLiteral(String template, String literal, List<Object> parts) {
        if (literal.isEmpty()) {
            return;
        }
        if (literal.contains("${")) {
            throw new IllegalArgumentException("unclosed placeholder in Kafka topic template '" + template + "'");
        }
        for (int i = 0; i < literal.length(); i++) {
            if (!isTopicChar(literal.charAt(i))) {
                throw new IllegalArgumentException("Kafka topic template '" + template + "' contains '" + literal.charAt(i)
                        + "', which a Kafka topic name cannot hold: use a-z, A-Z, 0-9, '.', '_' and '-'");
            }
        }
        parts.add(literal);
    }

    /** True when every message goes to the same topic. */
    public boolean isFixed() {
        return fixed != null;
    }

    /**
     * The Kafka topic for an MQTT topic.
     *
     * @throws IllegalArgumentException when the MQTT topic has too few levels for the template or yields no valid name
     */
    public String resolve(String mqttTopic) {
        if (fixed != null) {
            return fixed;
        }
        String[] levels = null;
        StringBuilder topic = new StringBuilder(template.length() + mqttTopic.length());
        for (Object part : parts) {
            if (part instanceof String literal) {
                topic.append(literal);
                continue;
            }
            int index = (Integer) part;
            if (index == WHOLE_TOPIC) {
                appendSanitised(topic, mqttTopic, true);
                continue;
            }
            if (levels == null) {
                levels = mqttTopic.split("/", -1);
            }
            int position = index > 0 ? index - 1 : levels.length + index;
            if (position < 0 || position >= levels.length) {
                throw new IllegalArgumentException("MQTT topic '" + mqttTopic + "' has " + levels.length
                        + " levels, so ${" + index + "} in Kafka topic template '" + template + "' has no value");
            }
            appendSanitised(topic, levels[position], false);
        }
        if (topic.length() == 0 || topic.length() > MAX_TOPIC_LENGTH || topic.toString().equals(".") || topic.toString().equals("..")) {
            throw new IllegalArgumentException("Kafka topic template '" + template + "' gives '" + topic + "' for MQTT topic '"
                    + mqttTopic + "', which is not a valid Kafka topic name");
        }
        return topic.toString();
    }

    private static void appendSanitised(StringBuilder topic, String text, boolean slashToDot) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (slashToDot && c == '/') {
                topic.append('.');
            } else {
                topic.append(isTopicChar(c) ? c : '_');
            }
        }
    }

    private static boolean isTopicChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    }

    @Override
    public String toString() {
        return template;
    }
}
