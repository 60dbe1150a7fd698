package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

import java.nio.BufferOverflowException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The events of one partition, kept in memory until a test expires them ({@link #expireBefore}, the service's
 * retention, which deletes the oldest events while a reader may be away). Sequence numbers start at 0; the offset of an event is its byte position in the partition (the sum of the encoded sizes of the events before
 * it), sent as a decimal string as the service does, so offsets and sequence numbers differ and a client that mixes
 * them up is caught. Enqueued times never go backwards. Thread-safe: tests append from their own threads, the reactor
 * reads.
 */
final class PartitionLog {

    static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    static final Symbol OFFSET = Symbol.valueOf("x-opt-offset");
    static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");

    /** A snapshot for the management node's partition READ and the last-enqueued delivery annotations. */
    record Summary(long beginSequenceNumber, long lastSequenceNumber, String lastOffset, long lastEnqueuedTimeMillis,
                   boolean empty) {
    }

    private final String hub;
    private final String partitionId;
    private final List<StoredEvent> events = new ArrayList<>();
    private long nextOffset;
    /** The first retained sequence number: those below it expired. */
    private long begin;
    private long lastEnqueuedTime;
    /** Set while a wake-up of this partition's receivers is queued on the reactor, so a burst of appends queues one. */
    final AtomicBoolean pumpQueued = new AtomicBoolean();

    PartitionLog(String hub, String partitionId) {
        this.hub = hub;
        this.partitionId = partitionId;
    }

    String hub() {
        return hub;
    }

    String partitionId() {
        return partitionId;
    }

    /**
     * Appends an event built from {@code message} (which this call may change: its header is dropped and the
     * partition's annotations are added) and returns it as stored.
     */
    synchronized StoredEvent append(Message message) {
        long sequenceNumber = events.size();
        long offset = nextOffset;
        long enqueued = Math.max(System.currentTimeMillis(), lastEnqueuedTime);
        Map<Symbol, Object> annotations = new HashMap<>();
        if (message.getMessageAnnotations() != null && message.getMessageAnnotations().getValue() != null) {
            annotations.putAll(message.getMessageAnnotations().getValue());
        }
        annotations.put(SEQUENCE_NUMBER, sequenceNumber);
        annotations.put(OFFSET, Long.toString(offset));
        annotations.put(ENQUEUED_TIME, new Date(enqueued));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        message.setHeader(null);
        message.setDeliveryAnnotations(null);
        StoredEvent event = new StoredEvent(sequenceNumber, offset, enqueued, encode(message));
        events.add(event);
        nextOffset += event.encoded().length;
        lastEnqueuedTime = enqueued;
        return event;
    }

    /** The event with this sequence number, or null when there is none (yet) or it expired. */
    synchronized StoredEvent get(long sequenceNumber) {
        return sequenceNumber >= begin && sequenceNumber < events.size() ? events.get((int) sequenceNumber) : null;
    }

    /** Deletes the events below {@code sequenceNumber}, as retention does; readers behind them move on to the first left. */
    synchronized void expireBefore(long sequenceNumber) {
        for (long expired = begin; expired < Math.min(sequenceNumber, events.size()); expired++) {
            events.set((int) expired, null);
        }
        begin = Math.max(begin, Math.min(sequenceNumber, events.size()));
    }

    /** The first retained sequence number. */
    synchronized long begin() {
        return begin;
    }

    synchronized long size() {
        return events.size();
    }

    synchronized Summary summary() {
        if (events.size() == begin) {
            return new Summary(begin, events.size() - 1, "-1", 0, true);
        }
        StoredEvent last = events.get(events.size() - 1);
        return new Summary(begin, last.sequenceNumber(), last.offsetString(), last.enqueuedTimeMillis(), false);
    }

    /** The sequence number of the first event whose offset is above {@code offset} (or equal, when inclusive). */
    synchronized long firstAfterOffset(long offset, boolean inclusive) {
        return firstWhere(event -> inclusive ? event.offset() >= offset : event.offset() > offset);
    }

    /** The sequence number of the first event enqueued after {@code epochMillis} (or at it, when inclusive). */
    synchronized long firstAfterTime(long epochMillis, boolean inclusive) {
        return firstWhere(event -> inclusive ? event.enqueuedTimeMillis() >= epochMillis : event.enqueuedTimeMillis() > epochMillis);
    }

    /**
     * Binary search over the retained events: offsets and enqueued times only grow along the log. Returns size() when
     * no event matches.
     */
    private long firstWhere(java.util.function.Predicate<StoredEvent> matches) {
        int low = (int) begin;
        int high = events.size();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (matches.test(events.get(middle))) {
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        return low;
    }

    static byte[] encode(Message message) {
        int size = 1024 + (message.getBody() instanceof org.apache.qpid.proton.amqp.messaging.Data data
                ? data.getValue().getLength() : 0);
        while (true) {
            byte[] buffer = new byte[size];
            try {
                int length = message.encode(buffer, 0, buffer.length);
                return Arrays.copyOf(buffer, length);
            } catch (BufferOverflowException e) {
                size *= 2;
            }
        }
    }
}
