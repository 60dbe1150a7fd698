package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.BaseHandler;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The AMQP side of the endpoint: opens what clients open, decides what each link is (a request/reply link of
 * {@code $cbs} or {@code $management}, a partition receiver, a producer) and moves messages over it. Runs on the
 * reactor thread only; the fault methods are called there through {@link ReactorLoop#call}.
 */
final class AmqpEndpointHandler extends BaseHandler {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpEndpointHandler.class);

    static final Symbol NOT_FOUND = Symbol.valueOf("amqp:not-found");
    static final Symbol LINK_STOLEN = Symbol.valueOf("amqp:link:stolen");
    static final Symbol SERVER_BUSY = Symbol.valueOf("com.microsoft:server-busy");
    static final Symbol ARGUMENT_ERROR = Symbol.valueOf("com.microsoft:argument-error");
    private static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    private static final Symbol RECEIVER_NAME = Symbol.valueOf("com.microsoft:receiver-name");
    private static final Symbol RUNTIME_METRIC = Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");
    private static final Pattern RECEIVER_SOURCE = Pattern.compile("([^/]+)/ConsumerGroups/([^/]+)/Partitions/([^/]+)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SENDER_TARGET = Pattern.compile("([^/]+)(?:/Partitions/([^/]+))?", Pattern.CASE_INSENSITIVE);
    private static final long MAX_MESSAGE_SIZE = 1024 * 1024;
    private static final int PRODUCER_CREDIT = 100;
    private static final EnumSet<EndpointState> ANY = EnumSet.allOf(EndpointState.class);

    /** Counters the endpoint reports. */
    static final class Counters {
        final AtomicLong connections = new AtomicLong();
        final AtomicLong links = new AtomicLong();
        final AtomicLong receivers = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong refusedLinks = new AtomicLong();
    }

    /** What a producer link sends to: a hub, and a partition when the client named one. */
    private record ProducerTarget(EventHubEntity hub, PartitionLog partition) {
    }

    /** What a request link of {@code $cbs} or {@code $management} carries. */
    private record RequestNode(String address) {
    }

    private final Function<String, EventHubEntity> hubs;
    private final boolean registeredConsumerGroupsOnly;
    private final ManagementNode management;
    private final Counters counters;
    private final ReceiverOwnership ownership = new ReceiverOwnership();
    private final Map<PartitionLog, Set<PartitionReceiverLink>> receivers = new HashMap<>();
    private final Set<Connection> connections = new LinkedHashSet<>();
    private volatile long refuseLinksUntilNanos = System.nanoTime();

    AmqpEndpointHandler(Function<String, EventHubEntity> hubs, boolean registeredConsumerGroupsOnly, Counters counters) {
        this.hubs = hubs;
        this.registeredConsumerGroupsOnly = registeredConsumerGroupsOnly;
        this.management = new ManagementNode(hubs);
        this.counters = counters;
    }

    /** Tokens put on {@code $cbs} so far. */
    List<EventHubsEndpoint.PutToken> tokens() {
        return management.tokens();
    }

    @Override
    public void handle(Event event) {
        try {
            super.handle(event);
        } catch (RuntimeException e) {
            // One bad frame must not end the reactor thread, which would take every other connection with it.
            LOG.error("handling {} failed", event.getType(), e);
        }
    }

    // ---- connections and sessions: open what the client opens, close what it closes

    @Override
    public void onConnectionRemoteOpen(Event event) {
        Connection connection = event.getConnection();
        connection.setContainer("iot-connect-eventhubs-endpoint");
        connection.open();
        connections.add(connection);
        counters.connections.incrementAndGet();
    }

    @Override
    public void onConnectionRemoteClose(Event event) {
        forget(event.getConnection());
        event.getConnection().close();
    }

    @Override
    public void onTransportClosed(Event event) {
        if (event.getConnection() != null) {
            forget(event.getConnection());
        }
    }

    @Override
    public void onSessionRemoteOpen(Event event) {
        Session session = event.getSession();
        session.setIncomingCapacity(16 * 1024 * 1024);
        session.open();
    }

    @Override
    public void onSessionRemoteClose(Event event) {
        event.getSession().close();
    }

    // ---- links

    @Override
    public void onLinkRemoteOpen(Event event) {
        Link link = event.getLink();
        if (link instanceof Sender sender) {
            openSender(sender);
        } else {
            openReceiver((Receiver) link);
        }
    }

    @Override
    public void onLinkRemoteClose(Event event) {
        linkEnded(event.getLink());
    }

    @Override
    public void onLinkRemoteDetach(Event event) {
        linkEnded(event.getLink());
    }

    private void linkEnded(Link link) {
        if (link.getContext() instanceof PartitionReceiverLink receiver) {
            forget(receiver);
        }
        if (link.getLocalState() != EndpointState.CLOSED) {
            link.close();
        }
    }

    @Override
    public void onLinkFlow(Event event) {
        if (event.getLink().getContext() instanceof PartitionReceiverLink receiver) {
            receiver.pump();
        }
    }

    /** A client's receiver: a reply link of a request node, or a partition receiver. */
    private void openSender(Sender sender) {
        Source source = (Source) sender.getRemoteSource();
        String address = source == null ? null : source.getAddress();
        if (ManagementNode.CBS.equals(address) || ManagementNode.MANAGEMENT.equals(address)) {
            accept(sender);
            return;
        }
        Matcher matcher = RECEIVER_SOURCE.matcher(address == null ? "" : address);
        if (!matcher.matches()) {
            refuse(sender, NOT_FOUND, "The messaging entity '" + address + "' could not be found.");
            return;
        }
        if (refusingLinks()) {
            refuse(sender, SERVER_BUSY, "The server is busy (refusing new links for a while). Please retry.");
            return;
        }
        EventHubEntity hub = hubs.apply(matcher.group(1));
        String consumerGroup = matcher.group(2);
        PartitionLog partition = hub == null ? null : hub.partition(matcher.group(3));
        if (hub == null || partition == null || (registeredConsumerGroupsOnly && !hub.hasConsumerGroup(consumerGroup))) {
            refuse(sender, NOT_FOUND, "The messaging entity '" + address + "' could not be found.");
            return;
        }
        long start;
        try {
            start = StartPosition.resolve(source, partition);
        } catch (IllegalArgumentException e) {
            refuse(sender, ARGUMENT_ERROR, e.getMessage());
            return;
        }
        Map<Symbol, Object> properties = sender.getRemoteProperties() == null ? Map.of() : sender.getRemoteProperties();
        Long ownerLevel = properties.get(EPOCH) instanceof Number level ? level.longValue() : null;
        String name = properties.get(RECEIVER_NAME) instanceof String given ? given : sender.getName();
        boolean trackLastEnqueued = sender.getRemoteDesiredCapabilities() != null
                && Arrays.asList(sender.getRemoteDesiredCapabilities()).contains(RUNTIME_METRIC);
        PartitionReceiverLink receiver = new PartitionReceiverLink(sender, partition, consumerGroup, ownerLevel, name,
                trackLastEnqueued, start, counters.delivered);
        ReceiverOwnership.Decision decision = ownership.attach(receiver);
        if (decision.refusal() != null) {
            refuse(sender, LINK_STOLEN, decision.refusal());
            return;
        }
        for (PartitionReceiverLink stolen : decision.stolen()) {
            stolen.detach(new ErrorCondition(LINK_STOLEN, ReceiverOwnership.stolenDescription(receiver, stolen)));
            forget(stolen);
        }
        if (trackLastEnqueued) {
            sender.setOfferedCapabilities(new Symbol[] {RUNTIME_METRIC});
        }
        sender.setContext(receiver);
        receivers.computeIfAbsent(partition, key -> new LinkedHashSet<>()).add(receiver);
        accept(sender);
        counters.receivers.incrementAndGet();
        receiver.pump();
    }

    /** A client's sender: a request link of a request node, or a producer. */
    private void openReceiver(Receiver receiver) {
        Target target = (Target) receiver.getRemoteTarget();
        String address = target == null ? null : target.getAddress();
        if (ManagementNode.CBS.equals(address) || ManagementNode.MANAGEMENT.equals(address)) {
            receiver.setContext(new RequestNode(address));
            accept(receiver);
            receiver.flow(PRODUCER_CREDIT);
            return;
        }
        Matcher matcher = SENDER_TARGET.matcher(address == null ? "" : address);
        EventHubEntity hub = matcher.matches() ? hubs.apply(matcher.group(1)) : null;
        PartitionLog partition = hub == null || matcher.group(2) == null ? null : hub.partition(matcher.group(2));
        if (hub == null || (matcher.group(2) != null && partition == null)) {
            refuse(receiver, NOT_FOUND, "The messaging entity '" + address + "' could not be found.");
            return;
        }
        receiver.setContext(new ProducerTarget(hub, partition));
        receiver.setMaxMessageSize(UnsignedLong.valueOf(MAX_MESSAGE_SIZE));
        accept(receiver);
        receiver.flow(PRODUCER_CREDIT);
    }

    private void accept(Link link) {
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setSenderSettleMode(link.getRemoteSenderSettleMode());
        link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
        link.open();
        counters.links.incrementAndGet();
    }

    /** Refuses a link the way the service does: attach with no terminus on our side, then detach with the error. */
    private void refuse(Link link, Symbol condition, String description) {
        if (link instanceof Sender) {
            link.setSource(null);
            link.setTarget(link.getRemoteTarget());
        } else {
            link.setSource(link.getRemoteSource());
            link.setTarget(null);
        }
        link.open();
        link.setCondition(new ErrorCondition(condition, description));
        link.close();
        counters.refusedLinks.incrementAndGet();
    }

    private boolean refusingLinks() {
        return System.nanoTime() - refuseLinksUntilNanos < 0;
    }

    // ---- deliveries

    @Override
    public void onDelivery(Event event) {
        Delivery delivery = event.getDelivery();
        if (event.getLink() instanceof Sender) {
            // Our own delivery: the client accepted or settled it, so it is done on our side too.
            if (delivery.remotelySettled() || delivery.getRemoteState() != null) {
                delivery.settle();
            }
            return;
        }
        Receiver receiver = (Receiver) event.getLink();
        if (!delivery.isReadable() || delivery.isPartial()) {
            return;
        }
        byte[] payload = new byte[delivery.pending()];
        int read = receiver.recv(payload, 0, payload.length);
        receiver.advance();
        byte[] complete = read == payload.length ? payload : Arrays.copyOf(payload, Math.max(read, 0));
        try {
            if (receiver.getContext() instanceof RequestNode node) {
                answer(receiver.getSession().getConnection(), node.address(), complete);
            } else if (receiver.getContext() instanceof ProducerTarget target) {
                store(target, SentMessages.decode(complete, delivery.getMessageFormat()));
            }
        } finally {
            delivery.disposition(Accepted.getInstance());
            delivery.settle();
            receiver.flow(1);
        }
    }

    private void answer(Connection connection, String node, byte[] payload) {
        Message request = Message.Factory.create();
        request.decode(payload, 0, payload.length);
        Message reply = management.answer(node, request);
        Sender replyLink = findLink(connection, link -> link instanceof Sender && link.getRemoteTarget() instanceof Target target
                && target.getAddress() != null && target.getAddress().equals(request.getReplyTo()));
        if (replyLink == null) {
            LOG.warn("no reply link '{}' for a {} request", request.getReplyTo(), node);
            return;
        }
        byte[] encoded = PartitionLog.encode(reply);
        replyLink.delivery(java.util.UUID.randomUUID().toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        replyLink.send(encoded, 0, encoded.length);
        replyLink.advance();
    }

    private void store(ProducerTarget target, SentMessages.Sent sent) {
        PartitionLog partition = target.partition() != null ? target.partition()
                : sent.partitionKey() != null ? target.hub().partitionForKey(sent.partitionKey())
                : target.hub().nextPartition();
        for (Message event : sent.events()) {
            partition.append(event);
            counters.sent.incrementAndGet();
        }
        pump(partition);
    }

    /** Sends new events of {@code partition} to its receivers. */
    void pump(PartitionLog partition) {
        Set<PartitionReceiverLink> attached = receivers.get(partition);
        if (attached != null) {
            for (PartitionReceiverLink receiver : List.copyOf(attached)) {
                receiver.pump();
            }
        }
    }

    // ---- faults

    /** Detaches every receiver of the hub (of one partition, unless null) with this error; returns how many. */
    int detachReceivers(String hub, String partitionId, Symbol condition, String description) {
        List<PartitionReceiverLink> matching = new ArrayList<>();
        for (Map.Entry<PartitionLog, Set<PartitionReceiverLink>> entry : receivers.entrySet()) {
            PartitionLog partition = entry.getKey();
            if (partition.hub().equals(hub) && (partitionId == null || partition.partitionId().equals(partitionId))) {
                matching.addAll(entry.getValue());
            }
        }
        for (PartitionReceiverLink receiver : matching) {
            receiver.detach(new ErrorCondition(condition, description));
            forget(receiver);
        }
        return matching.size();
    }

    /** Closes every open connection with this error; returns how many. */
    int closeConnections(Symbol condition, String description) {
        List<Connection> open = new ArrayList<>(connections);
        for (Connection connection : open) {
            forget(connection);
            connection.setCondition(new ErrorCondition(condition, description));
            connection.close();
        }
        return open.size();
    }

    /** Closes every connection without an error, for shutdown. */
    void closeAll() {
        for (Connection connection : new ArrayList<>(connections)) {
            forget(connection);
            connection.close();
        }
    }

    void refuseLinksUntil(long nanoTime) {
        refuseLinksUntilNanos = nanoTime;
    }

    // ---- bookkeeping

    private void forget(PartitionReceiverLink receiver) {
        ownership.detached(receiver);
        Set<PartitionReceiverLink> attached = receivers.get(receiver.log());
        if (attached != null) {
            attached.remove(receiver);
        }
    }

    private void forget(Connection connection) {
        if (!connections.remove(connection)) {
            return;
        }
        Set<Link> links = new HashSet<>();
        for (Link link = connection.linkHead(ANY, ANY); link != null; link = link.next(ANY, ANY)) {
            links.add(link);
        }
        for (Link link : links) {
            if (link.getContext() instanceof PartitionReceiverLink receiver) {
                forget(receiver);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <L extends Link> L findLink(Connection connection, Predicate<Link> matches) {
        EnumSet<EndpointState> active = EnumSet.of(EndpointState.ACTIVE);
        for (Link link = connection.linkHead(active, active); link != null; link = link.next(active, active)) {
            if (matches.test(link)) {
                return (L) link;
            }
        }
        return null;
    }
}
