package io.iotconnect.mqtt.mapping;

import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * A source record that remembers the MQTT message it came from. Connect hands the record it got from
 * {@code poll()} (before any transformation) back to {@code commitRecord}, where the message is acknowledged.
 */
public final class MqttSourceRecord extends SourceRecord {

    private final MqttMessageEnvelope message;

    MqttSourceRecord(MqttMessageEnvelope message, String topic, Schema keySchema, Object key, Schema valueSchema, Object value,
                     Long timestamp, Iterable<Header> headers) {
        super(null, null, topic, null, keySchema, key, valueSchema, value, timestamp, headers);
        this.message = message;
    }

    public MqttMessageEnvelope message() {
        return message;
    }
}
