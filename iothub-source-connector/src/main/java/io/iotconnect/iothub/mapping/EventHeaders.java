package io.iotconnect.iothub.mapping;

import io.iotconnect.common.config.DeviceInputConfigs;
import io.iotconnect.iothub.client.IotHubEvent;
import org.apache.kafka.connect.header.ConnectHeaders;

import java.util.Date;
import java.util.Map;

/**
 * The record headers of an event, all under {@code iothub.}: the Event Hubs position ({@value #ENQUEUED_TIME},
 * {@value #SEQUENCE_NUMBER}, {@value #OFFSET}, {@value #PARTITION}), each IoT Hub system property with its dashes as
 * dots ({@code iothub-connection-device-id} becomes {@code iothub.connection.device.id}, {@code iothub-enqueuedtime}
 * {@code iothub.enqueuedtime}), the AMQP properties, and the first application properties that fit the header bounds
 * as {@code iothub.property.<name>}, with {@value #HEADERS_TRUNCATED} saying how many did not. Times are epoch
 * milliseconds.
 */
public final class EventHeaders {

    public static final String ENQUEUED_TIME = "iothub.enqueued.time";
    public static final String SEQUENCE_NUMBER = "iothub.sequence.number";
    public static final String OFFSET = "iothub.offset";
    public static final String PARTITION = "iothub.partition";
    public static final String PARTITION_KEY = "iothub.partition.key";
    public static final String DEVICE_ID = "iothub.connection.device.id";
    public static final String MODULE_ID = "iothub.connection.module.id";
    public static final String AUTH_METHOD = "iothub.connection.auth.method";
    public static final String MESSAGE_SOURCE = "iothub.message.source";
    public static final String CONTENT_TYPE = "iothub.content.type";
    public static final String CONTENT_ENCODING = "iothub.content.encoding";
    public static final String MESSAGE_ID = "iothub.message.id";
    public static final String CORRELATION_ID = "iothub.correlation.id";
    public static final String PROPERTY_PREFIX = "iothub.property.";
    public static final String TIMESTAMP_REPLACED = "iothub." + DeviceInputConfigs.TIMESTAMP_REPLACED_HEADER;
    public static final String HEADERS_TRUNCATED = "iothub." + DeviceInputConfigs.HEADERS_TRUNCATED_HEADER;

    private EventHeaders() {
    }

    /** The headers with the first {@code propertiesKept} application properties. */
    static ConnectHeaders of(IotHubEvent event, int propertiesKept) {
        ConnectHeaders headers = new ConnectHeaders();
        if (event.enqueuedTime() != null) {
            headers.addLong(ENQUEUED_TIME, event.enqueuedTime().toEpochMilli());
        }
        headers.addLong(SEQUENCE_NUMBER, event.sequenceNumber());
        if (event.offset() != null) {
            headers.addString(OFFSET, event.offset());
        }
        headers.addString(PARTITION, event.partitionId());
        addString(headers, PARTITION_KEY, event.partitionKey());
        for (Map.Entry<String, Object> property : event.iotHubProperties().entrySet()) {
            add(headers, property.getKey().replace('-', '.'), property.getValue());
        }
        addString(headers, CONTENT_TYPE, event.contentType());
        addString(headers, CONTENT_ENCODING, event.contentEncoding());
        addString(headers, MESSAGE_ID, event.messageId());
        addString(headers, CORRELATION_ID, event.correlationId());
        int added = 0;
        for (Map.Entry<String, Object> property : event.properties().entrySet()) {
            if (added++ == propertiesKept) {
                break;
            }
            add(headers, PROPERTY_PREFIX + property.getKey(), property.getValue());
        }
        if (propertiesKept < event.properties().size()) {
            headers.addInt(HEADERS_TRUNCATED, event.properties().size() - propertiesKept);
        }
        return headers;
    }

    private static void addString(ConnectHeaders headers, String name, String value) {
        if (value != null) {
            headers.addString(name, value);
        }
    }

    /** An AMQP simple value as the closest Connect header type; anything else as its text. */
    private static void add(ConnectHeaders headers, String name, Object value) {
        if (value instanceof String text) {
            headers.addString(name, text);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            headers.addLong(name, ((Number) value).longValue());
        } else if (value instanceof Double || value instanceof Float) {
            headers.addDouble(name, ((Number) value).doubleValue());
        } else if (value instanceof Boolean flag) {
            headers.addBoolean(name, flag);
        } else if (value instanceof Date date) {
            headers.addLong(name, date.getTime());
        } else if (value instanceof java.time.Instant instant) {
            headers.addLong(name, instant.toEpochMilli());
        } else if (value instanceof byte[] bytes) {
            headers.addBytes(name, bytes);
        } else if (value != null) {
            headers.addString(name, value.toString());
        }
    }
}
