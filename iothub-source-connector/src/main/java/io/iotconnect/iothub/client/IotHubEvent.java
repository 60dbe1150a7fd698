package io.iotconnect.iothub.client;

import java.time.Instant;
import java.util.Map;

/**
 * One event as the connector needs it, taken from the SDK's {@code PartitionEvent} by {@link SdkEventSource} so that
 * mapping and the receive loop do not depend on SDK types (whose positions cannot be set outside the SDK).
 *
 * @param partitionId       the partition it was read from
 * @param sequenceNumber    its sequence number in the partition, the connector's source offset
 * @param offset            its offset, a string as the service sends it
 * @param enqueuedTime      when it was enqueued in the partition
 * @param partitionKey      the partition key it was sent with, or null
 * @param body              the body bytes
 * @param iotHubProperties  the IoT Hub system properties ({@code iothub-connection-device-id}, {@code iothub-message-source},
 *                          ...), names as sent
 * @param messageId         the AMQP message id as text, or null
 * @param correlationId     the AMQP correlation id as text, or null
 * @param contentType       the AMQP content type, or null
 * @param contentEncoding   the AMQP content encoding, or null
 * @param properties        the application properties
 * @param lastEnqueuedSequenceNumber the partition's last enqueued sequence number when the event was received, or null
 *                          when the service did not say
 */
public record IotHubEvent(String partitionId, long sequenceNumber, String offset, Instant enqueuedTime, String partitionKey,
                          byte[] body, Map<String, Object> iotHubProperties, String messageId, String correlationId,
                          String contentType, String contentEncoding, Map<String, Object> properties,
                          Long lastEnqueuedSequenceNumber) {

    public static final String DEVICE_ID = "iothub-connection-device-id";
    public static final String MODULE_ID = "iothub-connection-module-id";
    public static final String AUTH_METHOD = "iothub-connection-auth-method";
    public static final String MESSAGE_SOURCE = "iothub-message-source";

    /** The device id IoT Hub stamped on the event, or null (a plain Event Hub's events have none). */
    public String deviceId() {
        Object id = iotHubProperties.get(DEVICE_ID);
        return id == null ? null : id.toString();
    }

    /** The IoT Hub message source (Telemetry, twinChangeEvents, deviceLifecycleEvents, ...), or null. */
    public String messageSource() {
        Object source = iotHubProperties.get(MESSAGE_SOURCE);
        return source == null ? null : source.toString();
    }
}
