package io.iotconnect.mqtt.client;

import java.util.List;
import java.util.Map;

/**
 * One message as it arrived from the broker, with what is needed to acknowledge it later.
 *
 * @param topic          MQTT topic name
 * @param payload        raw payload
 * @param qos            QoS the message was delivered at
 * @param retained       the broker's retained flag
 * @param duplicate      the DUP flag: a redelivery of a message the broker may have sent before
 * @param messageId      MQTT packet id (0 for QoS 0)
 * @param userProperties MQTT 5 user properties in order (empty for 3.1.1)
 * @param contentType    MQTT 5 content type, or null
 * @param connection     number of the connection it arrived on; an acknowledgement is sent only on the same one
 * @param arrivalMillis  wall-clock arrival time
 */
public record MqttMessageEnvelope(
        String topic,
        byte[] payload,
        int qos,
        boolean retained,
        boolean duplicate,
        int messageId,
        List<Map.Entry<String, String>> userProperties,
        String contentType,
        long connection,
        long arrivalMillis) {
}
