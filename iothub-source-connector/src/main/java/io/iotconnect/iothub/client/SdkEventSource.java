package io.iotconnect.iothub.client;

import com.azure.core.amqp.models.AmqpAnnotatedMessage;
import com.azure.core.amqp.models.AmqpMessageProperties;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.LastEnqueuedEventProperties;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import io.iotconnect.iothub.config.StartPosition;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** {@link EventSource} on the SDK's {@link EventHubConsumerAsyncClient}: {@code receiveFromPartition} per partition. */
public final class SdkEventSource implements EventSource {

    private final EventHubConsumerAsyncClient client;
    private final OptionalLong ownerLevel;
    private final Duration lookupTimeout;

    public SdkEventSource(EventHubConsumerAsyncClient client, OptionalLong ownerLevel, Duration lookupTimeout) {
        this.client = client;
        this.ownerLevel = ownerLevel;
        this.lookupTimeout = lookupTimeout;
    }

    @Override
    public List<String> partitionIds() {
        return client.getPartitionIds().collectList().block(lookupTimeout);
    }

    @Override
    public Flux<IotHubEvent> receive(String partitionId, ReadPosition position) {
        ReceiveOptions options = new ReceiveOptions().setTrackLastEnqueuedEventProperties(true);
        if (ownerLevel.isPresent()) {
            options.setOwnerLevel(ownerLevel.getAsLong());
        }
        return client.receiveFromPartition(partitionId, eventPosition(position), options)
                .map(event -> toIotHubEvent(partitionId, event));
    }

    @Override
    public Long beginSequenceNumber(String partitionId) {
        var properties = client.getPartitionProperties(partitionId).block(lookupTimeout);
        return properties == null || properties.isEmpty() ? null : properties.getBeginningSequenceNumber();
    }

    @Override
    public String consumerGroup() {
        return client.getConsumerGroup();
    }

    @Override
    public String eventHubName() {
        return client.getEventHubName();
    }

    @Override
    public void close() {
        client.close();
    }

    /** The SDK's position; a sequence number is exclusive, so the receive starts with the event after it. */
    static EventPosition eventPosition(ReadPosition position) {
        if (position.afterSequenceNumber() != null) {
            return EventPosition.fromSequenceNumber(position.afterSequenceNumber(), false);
        }
        StartPosition start = position.start();
        return switch (start.kind()) {
            case EARLIEST -> EventPosition.earliest();
            case LATEST -> EventPosition.latest();
            case ENQUEUED_TIME -> EventPosition.fromEnqueuedTime(start.enqueuedAfter());
        };
    }

    static IotHubEvent toIotHubEvent(String partitionId, PartitionEvent partitionEvent) {
        EventData data = partitionEvent.getData();
        // Only the IoT Hub properties: in 5.21.3 getSystemProperties() also shows absolute-expiry-time holding the
        // content encoding, and the AMQP properties are read from the raw message instead.
        Map<String, Object> iotHub = new LinkedHashMap<>();
        data.getSystemProperties().forEach((name, value) -> {
            if (name.startsWith("iothub-") && value != null) {
                iotHub.put(name, value);
            }
        });
        String contentEncoding = null;
        AmqpAnnotatedMessage raw = data.getRawAmqpMessage();
        if (raw != null) {
            AmqpMessageProperties properties = raw.getProperties();
            contentEncoding = properties == null ? null : properties.getContentEncoding();
        }
        LastEnqueuedEventProperties last = partitionEvent.getLastEnqueuedEventProperties();
        return new IotHubEvent(partitionId, data.getSequenceNumber(), data.getOffsetString(), data.getEnqueuedTime(),
                data.getPartitionKey(), data.getBody(), Map.copyOf(iotHub), data.getMessageId(), data.getCorrelationId(),
                data.getContentType(), contentEncoding, copyOf(data.getProperties()),
                last == null ? null : last.getSequenceNumber());
    }

    private static Map<String, Object> copyOf(Map<String, Object> properties) {
        Map<String, Object> copy = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            if (value != null) {
                copy.put(name, value);
            }
        });
        return java.util.Collections.unmodifiableMap(copy);
    }
}
