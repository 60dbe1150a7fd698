package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real AMQP 1.0 endpoint (Qpid Proton-J) standing in for an IoT Hub's built-in Event Hubs-compatible endpoint, for
 * the {@code azure-messaging-eventhubs} SDK: connect with {@link #connectionString(String)} (no TLS, SASL ANONYMOUS,
 * tokens accepted unchecked). It answers CBS put-token and the {@code $management} READ of hubs and partitions, serves
 * partition receivers from in-memory logs (earliest, latest, offset, sequence number and enqueued-time positions; owner
 * levels; last-enqueued-event properties), and takes events from the SDK's producer as well as from {@link #publish}.
 *
 * <p>Positions: sequence numbers start at 0 in each partition; an offset is the event's byte position in its partition
 * (a decimal string, as the service sends it; not equal to the sequence number). Consumer groups: {@code $Default}
 * always exists; any other name is accepted too, unless the builder asked for registered ones only
 * ({@link Builder#registeredConsumerGroupsOnly()}, {@link #createConsumerGroup}); names match case-insensitively.
 * Partitions can be added while running ({@link #addPartitions}); keys map to partitions by
 * {@code floorMod(key.hashCode(), partitionCount)}, so the mapping changes then, as it does in the service.
 *
 * <p>Faults, at run time and from any thread: {@link #detachReceivers}, {@link #closeConnections},
 * {@link #refuseLinks}.
 */
public final class EventHubsEndpoint implements AutoCloseable {

    /** {@code iothub-message-source} values. */
    public static final String TELEMETRY = "Telemetry";
    public static final String TWIN_CHANGE_EVENTS = "twinChangeEvents";
    public static final String DEVICE_LIFECYCLE_EVENTS = "deviceLifecycleEvents";

    /** Transient errors a receiver link can be detached with; the SDK retries both. */
    public enum LinkError {
        SERVER_BUSY("com.microsoft:server-busy"),
        DETACH_FORCED("amqp:link:detach-forced");

        private final Symbol condition;

        LinkError(String condition) {
            this.condition = Symbol.valueOf(condition);
        }

        public String condition() {
            return condition.toString();
        }
    }

    private static final String CONNECTION_FORCED = "amqp:connection:forced";

    private final int port;
    private final String keyName;
    private final String key;
    private final Map<String, EventHubEntity> hubs = new ConcurrentHashMap<>();
    private final AmqpEndpointHandler.Counters counters = new AmqpEndpointHandler.Counters();
    private final AmqpEndpointHandler handler;
    private final ReactorLoop loop;

    private EventHubsEndpoint(Builder builder) throws IOException {
        this.port = builder.port > 0 ? builder.port : LocalPorts.freePort();
        this.keyName = builder.keyName;
        this.key = builder.key;
        builder.hubs.forEach(this::createHub);
        handler = new AmqpEndpointHandler(hubs::get, builder.registeredConsumerGroupsOnly, counters);
        loop = new ReactorLoop("127.0.0.1", port, handler);
    }

    /** An endpoint on a free port of 127.0.0.1, with no hubs yet. */
    public static EventHubsEndpoint start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for an endpoint on a given port, with hubs created up front, or with registered consumer groups only. */
    public static final class Builder {
        private int port;
        private String keyName = "iothubowner";
        private String key = "bG9jYWwtZXZlbnQtaHVicy1lbmRwb2ludC1rZXk=";
        private boolean registeredConsumerGroupsOnly;
        private final Map<String, Integer> hubs = new LinkedHashMap<>();

        private Builder() {
        }

        /** Listens on this port of 127.0.0.1 instead of a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The shared access key name and key put in connection strings (never checked). */
        public Builder sharedAccessKey(String keyName, String key) {
            this.keyName = Objects.requireNonNull(keyName);
            this.key = Objects.requireNonNull(key);
            return this;
        }

        public Builder hub(String name, int partitions) {
            hubs.put(name, partitions);
            return this;
        }

        /** Refuses receivers of consumer groups other than {@code $Default} unless {@link #createConsumerGroup} made them. */
        public Builder registeredConsumerGroupsOnly() {
            this.registeredConsumerGroupsOnly = true;
            return this;
        }

        public EventHubsEndpoint start() {
            try {
                return new EventHubsEndpoint(this);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
            }
        }
    }

    public int port() {
        return port;
    }

    /** The connection string of a hub, as an IoT Hub's built-in endpoint gives it, pointing here without TLS. */
    public String connectionString(String hub) {
        return "Endpoint=sb://127.0.0.1:" + port + ";SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key
                + ";EntityPath=" + hub + ";UseDevelopmentEmulator=true";
    }

    /**
     * A connection string for a namespace reached over TLS, as a real hub's reads ({@code Endpoint=sb://<namespace>/},
     * no emulator flag): for a client that connects through an {@link AmqpGateway} given as its custom endpoint
     * address, since the name alone resolves nowhere.
     */
    public String connectionString(String hub, String namespace) {
        return "Endpoint=sb://" + namespace + "/;SharedAccessKeyName=" + keyName + ";SharedAccessKey=" + key
                + ";EntityPath=" + hub;
    }

    /** Creates a hub with partitions "0" to "partitions - 1". */
    public void createHub(String name, int partitions) {
        if (hubs.putIfAbsent(name, new EventHubEntity(name, partitions)) != null) {
            throw new IllegalArgumentException("hub '" + name + "' exists already");
        }
    }

    /** Adds {@code count} partitions to a hub while it runs; clients see them in the hub's properties. */
    public void addPartitions(String hub, int count) {
        hub(hub).addPartitions(count);
    }

    /** Lets receivers use this consumer group (needed only with {@link Builder#registeredConsumerGroupsOnly()}). */
    public void createConsumerGroup(String hub, String consumerGroup) {
        hub(hub).addConsumerGroup(consumerGroup);
    }

    public List<String> partitionIds(String hub) {
        return hub(hub).partitionIds();
    }

    /** The partition a device's events go to with {@link #publishToDevicePartition}, and a partition key's. */
    public String partitionFor(String hub, String key) {
        return hub(hub).partitionForKey(key).partitionId();
    }

    /** Events in a partition so far. */
    public long eventCount(String hub, String partitionId) {
        return partition(hub, partitionId).size();
    }

    /**
     * Deletes a partition's events below {@code sequenceNumber}, as the hub's retention does with events older than
     * its retention period; a receiver behind them, or a new one asking for an expired position, gets the first event
     * left.
     */
    public void expireBefore(String hub, String partitionId, long sequenceNumber) {
        partition(hub, partitionId).expireBefore(sequenceNumber);
    }

    /** Appends events to a partition and returns their sequence numbers; attached receivers get them at once. */
    public List<Long> publish(String hub, String partitionId, Event... events) {
        return append(partition(hub, partitionId), events);
    }

    /** Appends events to the partition the device id maps to (see {@link #partitionFor}); returns its id. */
    public String publishToDevicePartition(String hub, String deviceId, Event... events) {
        PartitionLog partition = hub(hub).partitionForKey(deviceId);
        append(partition, events);
        return partition.partitionId();
    }

    private List<Long> append(PartitionLog partition, Event... events) {
        List<Long> sequenceNumbers = new ArrayList<>(events.length);
        for (Event event : events) {
            sequenceNumbers.add(partition.append(event.toMessage()).sequenceNumber());
        }
        if (partition.pumpQueued.compareAndSet(false, true)) {
            loop.execute(() -> {
                partition.pumpQueued.set(false);
                handler.pump(partition);
            });
        }
        return sequenceNumbers;
    }

    // ---- faults

    /**
     * Detaches every receiver link of a hub's partition ({@code partitionId} null: of all its partitions) with a
     * transient error, as the service does when it moves a partition; returns how many links were detached.
     */
    public int detachReceivers(String hub, String partitionId, LinkError error) {
        String description = "The link was detached by the endpoint (" + error.condition() + ", injected fault). Please retry.";
        return loop.call(() -> handler.detachReceivers(hub, partitionId, error.condition, description));
    }

    /** Closes every client connection with {@code amqp:connection:forced}; returns how many were closed. */
    public int closeConnections() {
        return loop.call(() -> handler.closeConnections(Symbol.valueOf(CONNECTION_FORCED),
                "The connection was closed by the endpoint (injected fault). Please retry."));
    }

    /**
     * For this long, refuses new partition receiver links with {@code com.microsoft:server-busy}; request nodes and
     * producers keep working (a refused producer link left the 5.21.3 producer waiting 40 s per retry, so producers
     * are not refused). {@link Duration#ZERO} ends it.
     */
    public void refuseLinks(Duration duration) {
        handler.refuseLinksUntil(System.nanoTime() + duration.toNanos());
    }

    // ---- counters

    /** AMQP connections opened by clients so far. */
    public long connectionsOpened() {
        return counters.connections.get();
    }

    /** Links of any kind the endpoint attached (request nodes, receivers, producers), not counting refused ones. */
    public long linksAttached() {
        return counters.links.get();
    }

    /** Partition receiver links attached. */
    public long receiversAttached() {
        return counters.receivers.get();
    }

    /** Links refused (unknown entity, lower owner level, {@link #refuseLinks}). */
    public long linksRefused() {
        return counters.refusedLinks.get();
    }

    /** Event deliveries sent to receivers (a redelivery after a reconnect counts again). */
    public long eventsDelivered() {
        return counters.delivered.get();
    }

    /** A token a client put on {@code $cbs}: its type ({@code jwt} for Microsoft Entra ID, {@code servicebus.windows.net:sastoken} for SAS), audience and value. */
    public record PutToken(String type, String audience, String token) {
    }

    /** Every token clients put on {@code $cbs} so far, in order (the endpoint grants them all). */
    public List<PutToken> tokensPut() {
        return handler.tokens();
    }

    /** Events taken from clients' producers. */
    public long eventsSentByClients() {
        return counters.sent.get();
    }

    @Override
    public void close() {
        loop.stop(handler::closeAll);
    }

    private EventHubEntity hub(String name) {
        EventHubEntity hub = hubs.get(name);
        if (hub == null) {
            throw new IllegalArgumentException("no hub '" + name + "'; hubs: " + hubs.keySet());
        }
        return hub;
    }

    private PartitionLog partition(String hub, String partitionId) {
        PartitionLog partition = hub(hub).partition(partitionId);
        if (partition == null) {
            throw new IllegalArgumentException("hub '" + hub + "' has no partition '" + partitionId + "'; it has "
                    + hub(hub).partitionIds());
        }
        return partition;
    }

    /**
     * An event as an IoT Hub would put it on its built-in endpoint: a body, the IoT Hub system properties (message
     * annotations), AMQP properties and application properties. {@link #telemetry} fills in what IoT Hub adds to a
     * device's telemetry; every value can be changed. Mutable; one {@code Event} can be published more than once.
     */
    public static final class Event {
        private static final String DEFAULT_AUTH_METHOD =
                "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";

        private byte[] body = new byte[0];
        private final Map<String, Object> iotHub = new LinkedHashMap<>();
        private boolean iotHubEnqueuedTimeFromEndpoint;
        private Instant iotHubEnqueuedTime;
        private String partitionKey;
        private Object messageId;
        private Object correlationId;
        private String contentType;
        private String contentEncoding;
        private final Map<String, Object> properties = new LinkedHashMap<>();

        private Event() {
        }

        /** An event with this body and nothing else. */
        public static Event of(byte[] body) {
            return new Event().body(body);
        }

        public static Event of(String body) {
            return of(body.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * A device's telemetry as IoT Hub routes it: device id, SAS auth method, an auth generation id, message source
         * {@code Telemetry}, {@code iothub-enqueuedtime} = the time it is published, content type
         * {@code application/json} and encoding {@code utf-8}.
         */
        public static Event telemetry(String deviceId, String json) {
            return of(json).deviceId(deviceId).authMethod(DEFAULT_AUTH_METHOD)
                    .authGenerationId("638000000000000000").messageSource(TELEMETRY).iotHubEnqueuedTimeAtPublish()
                    .contentType("application/json").contentEncoding("utf-8");
        }

        public Event body(byte[] body) {
            this.body = body.clone();
            return this;
        }

        public Event deviceId(String deviceId) {
            return iotHub("iothub-connection-device-id", deviceId);
        }

        public Event moduleId(String moduleId) {
            return iotHub("iothub-connection-module-id", moduleId);
        }

        public Event authMethod(String authMethod) {
            return iotHub("iothub-connection-auth-method", authMethod);
        }

        public Event authGenerationId(String generationId) {
            return iotHub("iothub-connection-auth-generation-id", generationId);
        }

        /** {@link #TELEMETRY}, {@link #TWIN_CHANGE_EVENTS}, {@link #DEVICE_LIFECYCLE_EVENTS} or another source. */
        public Event messageSource(String source) {
            return iotHub("iothub-message-source", source);
        }

        /** A fixed {@code iothub-enqueuedtime}. */
        public Event iotHubEnqueuedTime(Instant time) {
            this.iotHubEnqueuedTime = time;
            this.iotHubEnqueuedTimeFromEndpoint = false;
            return this;
        }

        /** {@code iothub-enqueuedtime} = the wall-clock time of each publish. */
        public Event iotHubEnqueuedTimeAtPublish() {
            this.iotHubEnqueuedTime = null;
            this.iotHubEnqueuedTimeFromEndpoint = true;
            return this;
        }

        /** Any other message annotation (a null value removes it). */
        public Event iotHub(String annotation, Object value) {
            if (value == null) {
                iotHub.remove(annotation);
            } else {
                iotHub.put(annotation, value);
            }
            return this;
        }

        /** {@code x-opt-partition-key}; only an annotation here, it does not choose the partition of {@link #publish}. */
        public Event partitionKey(String partitionKey) {
            this.partitionKey = partitionKey;
            return this;
        }

        public Event messageId(Object messageId) {
            this.messageId = messageId;
            return this;
        }

        public Event correlationId(Object correlationId) {
            this.correlationId = correlationId;
            return this;
        }

        public Event contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        public Event contentEncoding(String contentEncoding) {
            this.contentEncoding = contentEncoding;
            return this;
        }

        /** An application property (AMQP simple types: String, Long, Integer, Boolean, Double, Date, ...). */
        public Event property(String name, Object value) {
            properties.put(name, value);
            return this;
        }

        Message toMessage() {
            Message message = Message.Factory.create();
            message.setBody(new Data(new Binary(body)));
            Map<Symbol, Object> annotations = new LinkedHashMap<>();
            iotHub.forEach((name, value) -> annotations.put(Symbol.valueOf(name), value));
            Instant enqueued = iotHubEnqueuedTimeFromEndpoint ? Instant.now() : iotHubEnqueuedTime;
            if (enqueued != null) {
                annotations.put(Symbol.valueOf("iothub-enqueuedtime"), Date.from(enqueued));
            }
            if (partitionKey != null) {
                annotations.put(SentMessages.PARTITION_KEY, partitionKey);
            }
            message.setMessageAnnotations(new MessageAnnotations(annotations));
            if (messageId != null) {
                message.setMessageId(messageId);
            }
            if (correlationId != null) {
                message.setCorrelationId(correlationId);
            }
            if (contentType != null) {
                message.setContentType(contentType);
            }
            if (contentEncoding != null) {
                message.setContentEncoding(contentEncoding);
            }
            if (!properties.isEmpty()) {
                message.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(properties)));
            }
            return message;
        }
    }
}
