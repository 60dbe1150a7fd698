package io.iotconnect.mqtt.mapping;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps a device from choosing a Kafka topic it must not write to. With a template such as {@code ${topic}} or
 * {@code telemetry.${2}}, the MQTT topic a device publishes to names the Kafka topic, so a device could otherwise
 * write into Kafka's and Connect's internal topics, into the connector's own error topic (passing its records off as
 * the connector's reasons), into any topic the allow pattern leaves out, or create topics without end. A topic this
 * guard refuses makes the message malformed, with the reason.
 */
final class KafkaTopicGuard {

    /**
     * The internal topics of a Connect cluster under the names Kafka's own connect-distributed.properties gives them.
     * A cluster that names them otherwise is protected by an allow pattern.
     */
    static final Set<String> CONNECT_DEFAULT_INTERNAL_TOPICS = Set.of("connect-configs", "connect-offsets", "connect-status");

    private final Pattern allowed;
    private final String allowKey;
    private final String errorTopic;
    private final int maxDistinct;
    private final String maxDistinctKey;
    private final Set<String> seen = new HashSet<>();

    /**
     * @param allowed     topics a template may give, or null for any
     * @param errorTopic  the connector's error topic
     * @param maxDistinct most distinct topics one task writes to
     */
    KafkaTopicGuard(Pattern allowed, String allowKey, String errorTopic, int maxDistinct, String maxDistinctKey) {
        this.allowed = allowed;
        this.allowKey = allowKey;
        this.errorTopic = errorTopic;
        this.maxDistinct = maxDistinct;
        this.maxDistinctKey = maxDistinctKey;
    }

    /** Why the message may not go to {@code topic}, or null when it may. */
    String refusal(String topic) {
        if (seen.contains(topic)) {
            return null;
        }
        String reason = check(topic);
        if (reason == null) {
            seen.add(topic);
        }
        return reason;
    }

    private String check(String topic) {
        if (topic.startsWith("_")) {
            return "Kafka topic '" + topic + "' starts with '_', as Kafka's and Connect's internal topics do "
                    + "(__consumer_offsets, __transaction_state): refused";
        }
        if (topic.equals(errorTopic)) {
            return "Kafka topic '" + topic + "' is this connector's error topic: refused";
        }
        if (CONNECT_DEFAULT_INTERNAL_TOPICS.contains(topic)) {
            return "Kafka topic '" + topic + "' is a Connect cluster's internal topic under its default name: refused";
        }
        if (allowed != null && !allowed.matcher(topic).matches()) {
            return "Kafka topic '" + topic + "' does not match " + allowKey + "=" + allowed.pattern();
        }
        if (seen.size() >= maxDistinct) {
            return "Kafka topic '" + topic + "' would be one more distinct topic than " + maxDistinctKey + "=" + maxDistinct
                    + " allows a task";
        }
        return null;
    }
}
