package io.iotconnect.mqtt.mapping;

import org.apache.kafka.connect.errors.DataException;

/** A message that cannot become a record: where it failed, why, and where in the payload. */
public final class MalformedMessageException extends DataException {

    /** Where in the mapping a message failed; written to the error record's mqtt.error.stage header. */
    public enum Stage {
        TOPIC, VALUE, KEY, TIMESTAMP, HEADERS, SIZE;

        public String headerValue() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Stage stage;
    private final String reason;
    private final String position;
    private final String mqttTopic;

    public MalformedMessageException(String mqttTopic, Stage stage, String reason, String position) {
        super("malformed MQTT message on topic '" + mqttTopic + "' (" + stage.headerValue() + "): " + reason
                + (position == null ? "" : " at " + position));
        this.mqttTopic = mqttTopic;
        this.stage = stage;
        this.reason = reason;
        this.position = position;
    }

    public Stage stage() {
        return stage;
    }

    public String reason() {
        return reason;
    }

    /** Where parsing stopped, or null when the failure has no position. */
    public String position() {
        return position;
    }

    public String mqttTopic() {
        return mqttTopic;
    }
}
