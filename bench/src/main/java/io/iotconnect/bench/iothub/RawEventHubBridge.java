package io.iotconnect.bench.iothub;

import com.azure.core.amqp.models.AmqpAnnotatedMessage;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.Disposable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The baseline: a plain {@link EventHubConsumerAsyncClient} reading its partitions from the earliest event and handing
 * each event to a {@link KafkaProducer} configured as a Connect worker configures a source task's producer. It writes
 * what the connector writes with {@code iothub.value.format=bytes}: key = the IoT Hub device id, value = the body,
 * timestamp = the enqueued time, and the connector's {@code iothub.*} headers as the worker's
 * {@code SimpleHeaderConverter} serializes them (text), so both sides write records of the same size.
 */
final class RawEventHubBridge implements AutoCloseable {

    private final EventHubConsumerAsyncClient client;
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Disposable> receives = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    RawEventHubBridge(String connectionString, int prefetch, String bootstrapServers, String topic, String clientId) {
        this.topic = topic;
        this.client = new EventHubClientBuilder().connectionString(connectionString)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                .prefetchCount(prefetch)
                .buildAsyncConsumerClient();
        this.producer = new KafkaProducer<>(sourceTaskProducerConfig(bootstrapServers, clientId));
    }

    /** What {@code Worker.baseProducerConfigs} (Kafka 4.3.1) gives a source task's producer; linger and batch size stay at their defaults. */
    static Map<String, Object> sourceTaskProducerConfig(String bootstrapServers, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(Long.MAX_VALUE));
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Integer.MAX_VALUE));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /**
     * Opens every partition at its earliest event. The options are the connector's
     * ({@code trackLastEnqueuedEventProperties}), so that the endpoint, in this JVM, does the same work for both sides.
     */
    void start(List<String> partitions) {
        for (String partition : partitions) {
            ReceiveOptions options = new ReceiveOptions().setTrackLastEnqueuedEventProperties(true);
            receives.add(client.receiveFromPartition(partition, EventPosition.earliest(), options)
                    .subscribe(event -> forward(partition, event), error -> failure.compareAndSet(null, error)));
        }
    }

    /** The first error a receive or a send ended with, or null. */
    Throwable failure() {
        return failure.get();
    }

    private void forward(String partition, PartitionEvent partitionEvent) {
        EventData event = partitionEvent.getData();
        Map<String, Object> system = event.getSystemProperties();
        RecordHeaders headers = new RecordHeaders();
        Instant enqueued = event.getEnqueuedTime();
        headers.add("iothub.enqueued.time", text(enqueued.toEpochMilli()));
        headers.add("iothub.sequence.number", text(event.getSequenceNumber()));
        headers.add("iothub.offset", text(event.getOffsetString()));
        headers.add("iothub.partition", text(partition));
        if (event.getPartitionKey() != null) {
            headers.add("iothub.partition.key", text(event.getPartitionKey()));
        }
        Object deviceId = null;
        for (Map.Entry<String, Object> property : system.entrySet()) {
            String name = property.getKey();
            if (name.startsWith("iothub-") && property.getValue() != null) {
                headers.add(name.replace('-', '.'), text(property.getValue()));
                if (name.equals("iothub-connection-device-id")) {
                    deviceId = property.getValue();
                }
            }
        }
        if (event.getContentType() != null) {
            headers.add("iothub.content.type", text(event.getContentType()));
        }
        AmqpAnnotatedMessage raw = event.getRawAmqpMessage();
        String contentEncoding = raw.getProperties() == null ? null : raw.getProperties().getContentEncoding();
        if (contentEncoding != null) {
            headers.add("iothub.content.encoding", text(contentEncoding));
        }
        if (event.getMessageId() != null) {
            headers.add("iothub.message.id", text(event.getMessageId()));
        }
        if (event.getCorrelationId() != null) {
            headers.add("iothub.correlation.id", text(event.getCorrelationId()));
        }
        for (Map.Entry<String, Object> property : event.getProperties().entrySet()) {
            if (property.getValue() != null) {
                headers.add("iothub.property." + property.getKey(), text(property.getValue()));
            }
        }
        byte[] key = deviceId == null ? null : text(deviceId);
        producer.send(new ProducerRecord<>(topic, null, enqueued.toEpochMilli(), key, event.getBody(), headers), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            }
        });
    }

    /** A header value as {@code SimpleHeaderConverter} writes the connector's: times as epoch milliseconds, all as text. */
    private static byte[] text(Object value) {
        Object plain = value instanceof Date date ? date.getTime() : value instanceof Instant instant ? instant.toEpochMilli() : value;
        return plain.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        receives.forEach(Disposable::dispose);
        client.close();
        producer.close();
    }
}
