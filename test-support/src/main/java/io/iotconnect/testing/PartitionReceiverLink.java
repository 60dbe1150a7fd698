package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

import java.nio.ByteBuffer;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client's receiver on one partition, seen from the endpoint: a Proton sender that sends the partition's events in
 * order from its start position, only while the client has given credit, unsettled, each with its own delivery tag.
 * Reactor thread only.
 */
final class PartitionReceiverLink {

    static final Symbol LAST_ENQUEUED_SEQUENCE_NUMBER = Symbol.valueOf("last_enqueued_sequence_number");
    static final Symbol LAST_ENQUEUED_OFFSET = Symbol.valueOf("last_enqueued_offset");
    static final Symbol LAST_ENQUEUED_TIME_UTC = Symbol.valueOf("last_enqueued_time_utc");
    static final Symbol RUNTIME_INFO_RETRIEVAL_TIME_UTC = Symbol.valueOf("runtime_info_retrieval_time_utc");

    private final Sender sender;
    private final PartitionLog log;
    private final String consumerGroup;
    private final Long ownerLevel;
    private final String name;
    private final boolean trackLastEnqueued;
    private final AtomicLong delivered;
    private long next;
    private long nextTag;

    PartitionReceiverLink(Sender sender, PartitionLog log, String consumerGroup, Long ownerLevel, String name,
            boolean trackLastEnqueued, long start, AtomicLong delivered) {
        this.sender = sender;
        this.log = log;
        this.consumerGroup = consumerGroup;
        this.ownerLevel = ownerLevel;
        this.name = name;
        this.trackLastEnqueued = trackLastEnqueued;
        this.next = start;
        this.delivered = delivered;
    }

    Sender sender() {
        return sender;
    }

    PartitionLog log() {
        return log;
    }

    String consumerGroup() {
        return consumerGroup;
    }

    /** The owner level ({@code com.microsoft:epoch}), or null for a receiver without one. */
    Long ownerLevel() {
        return ownerLevel;
    }

    String name() {
        return name;
    }

    /** Sends what the partition has beyond what was sent, as far as the client's credit goes. */
    void pump() {
        if (sender.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        while (sender.getCredit() > 0) {
            // A reader behind what retention deleted moves on to the first event left.
            next = Math.max(next, log.begin());
            StoredEvent event = log.get(next);
            if (event == null) {
                break;
            }
            byte[] payload = trackLastEnqueued ? withLastEnqueued(event) : event.encoded();
            sender.delivery(ByteBuffer.allocate(Long.BYTES).putLong(nextTag++).array());
            sender.send(payload, 0, payload.length);
            sender.advance();
            next++;
            delivered.incrementAndGet();
        }
        if (sender.getDrain() && sender.getCredit() > 0) {
            sender.drained();
        }
    }

    /** Detaches the link with this error; the client sees it as the reason its receiver closed. */
    void detach(ErrorCondition error) {
        if (sender.getLocalState() == EndpointState.ACTIVE) {
            sender.setCondition(error);
            sender.close();
        }
    }

    /** The partition's last event, in front of the event as delivery annotations (the service's runtime metric). */
    private byte[] withLastEnqueued(StoredEvent event) {
        PartitionLog.Summary last = log.summary();
        Message annotations = Message.Factory.create();
        annotations.setDeliveryAnnotations(new DeliveryAnnotations(Map.of(
                LAST_ENQUEUED_SEQUENCE_NUMBER, last.lastSequenceNumber(),
                LAST_ENQUEUED_OFFSET, last.lastOffset(),
                LAST_ENQUEUED_TIME_UTC, new Date(last.lastEnqueuedTimeMillis()),
                RUNTIME_INFO_RETRIEVAL_TIME_UTC, new Date())));
        byte[] head = PartitionLog.encode(annotations);
        byte[] payload = new byte[head.length + event.encoded().length];
        System.arraycopy(head, 0, payload, 0, head.length);
        System.arraycopy(event.encoded(), 0, payload, head.length, event.encoded().length);
        return payload;
    }
}
