package io.iotconnect.iothub.client;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import org.apache.kafka.connect.errors.ConnectException;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.BaseSubscriber;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads one partition for as long as the task runs. The SDK's {@code receiveFromPartition} does not recover by itself
 * (a detached link ends it with an error, a closed connection completes it), so this reopens it after either, from
 * right after the last event it put in the buffer, with exponential back-off: nothing is lost or read twice.
 *
 * <p>Back-pressure: the partition owns {@code share} places of the {@link EventBuffer} and {@code byteShare} bytes of
 * its bodies. Its subscriber has at most {@value #MAX_OUTSTANDING} events requested and not yet delivered, never more
 * than the places left, and none while the buffered bodies fill the byte share; each event {@code poll()} takes out
 * ({@link #release}) makes room again. So the SDK's link credit, and with it what the service sends, follows what
 * Kafka takes, and the buffer holds at most {@code byteShare} plus {@value #MAX_OUTSTANDING} events' bytes per
 * partition however large the events are.
 *
 * <p>Sequence numbers follow on: an event at or below the one the partition reached (the committed offset, or the
 * last event buffered) is dropped and counted; an event that comes after a gap (events the hub's retention deleted
 * while the connector was stopped or behind) is logged at WARN with the missing range and counted, or, with
 * {@code failOnSequenceGap}, fails the task with it. A partition opened at a start position says what it skipped.
 *
 * <p>Failures retrying does not cure (the link taken by a reader with a higher owner level, an unknown consumer
 * group, no permission) are reopened with back-off too, but after {@code maxFailures} in a row, without a receive
 * that ran for {@link #STABLE} in between, {@link #failure()} returns the reason and the task fails with it.
 */
final class PartitionReceiver {

    private static final Logger log = LoggerFactory.getLogger(PartitionReceiver.class);

    /** Most events requested from the SDK and not yet delivered, per partition. */
    static final int MAX_OUTSTANDING = 64;

    /** A receive that ran this long before it ended restarts the count of failures in a row. */
    static final Duration STABLE = Duration.ofMinutes(1);

    private final String partitionId;
    private final EventSource source;
    private final EventBuffer buffer;
    private final int share;
    private final long byteShare;
    private final ReadPosition initial;
    private final ScheduledExecutorService scheduler;
    private final ReceiverEvents events;
    private final int maxFailures;
    private final Backoff backoff;
    private final boolean failOnSequenceGap;

    private final Object lock = new Object();
    private CreditSubscriber current;
    private int inBuffer;
    private long inBufferBytes;
    private Long lastSequenceNumber;
    /** The sequence number the partition has reached: the committed one, then each event buffered; null before any. */
    private Long reached;
    /** With a start position other than earliest: the first sequence number the hub held when the partition opened. */
    private Long heldFromAtStart;
    private boolean closed;
    private int failuresInRow;
    private volatile ConnectException failure;

    PartitionReceiver(String partitionId, EventSource source, EventBuffer buffer, int share, long byteShare, ReadPosition initial,
                      ScheduledExecutorService scheduler, ReceiverEvents events, int maxFailures, Duration backoffInitial,
                      Duration backoffMax, boolean failOnSequenceGap) {
        this.partitionId = partitionId;
        this.source = source;
        this.buffer = buffer;
        this.share = share;
        this.byteShare = byteShare;
        this.initial = initial;
        this.scheduler = scheduler;
        this.events = events;
        this.maxFailures = maxFailures;
        this.backoff = new Backoff(backoffInitial, backoffMax);
        this.failOnSequenceGap = failOnSequenceGap;
        this.reached = initial.afterSequenceNumber();
    }

    String partitionId() {
        return partitionId;
    }

    void start() {
        open();
    }

    /** {@code count} of this partition's events, of {@code bytes} bytes, left the buffer: the receive may ask for more. */
    void release(int count, long bytes) {
        CreditSubscriber subscriber;
        int grant;
        synchronized (lock) {
            inBuffer -= count;
            inBufferBytes -= bytes;
            subscriber = current;
            grant = subscriber == null ? 0 : subscriber.grant();
        }
        if (grant > 0) {
            subscriber.request(grant);
        }
    }

    /** Why the partition cannot be read, once retrying has not helped; null while it can. */
    ConnectException failure() {
        return failure;
    }

    /** The sequence number of the last event put in the buffer, or null before the first. */
    Long lastSequenceNumber() {
        synchronized (lock) {
            return lastSequenceNumber;
        }
    }

    void close() {
        CreditSubscriber subscriber;
        synchronized (lock) {
            closed = true;
            subscriber = current;
            current = null;
        }
        if (subscriber != null) {
            subscriber.dispose();
        }
    }

    private void open() {
        CreditSubscriber subscriber;
        ReadPosition position;
        synchronized (lock) {
            if (closed) {
                return;
            }
            position = lastSequenceNumber == null ? initial : ReadPosition.after(lastSequenceNumber);
            subscriber = new CreditSubscriber();
            current = subscriber;
        }
        if (position.start() != null && position.start().kind() != io.iotconnect.iothub.config.StartPosition.Kind.EARLIEST
                && heldFromAtStart == null) {
            try {
                heldFromAtStart = source.beginSequenceNumber(partitionId);
            } catch (RuntimeException e) {
                log.debug("Could not read the retained range of partition {} of {}: {}", partitionId, source.eventHubName(), e.toString());
            }
        }
        log.debug("Opening partition {} of {} ({})", partitionId, source.eventHubName(), position);
        try {
            source.receive(partitionId, position).subscribe(subscriber);
        } catch (RuntimeException e) {
            ended(subscriber, e);
        }
    }

    private void ended(CreditSubscriber subscriber, Throwable error) {
        boolean stable;
        synchronized (lock) {
            if (closed || current != subscriber) {
                return;
            }
            current = null;
            stable = System.nanoTime() - subscriber.openedNanos >= STABLE.toNanos();
            if (stable || subscriber.delivered) {
                backoff.reset();
            }
            if (stable) {
                failuresInRow = 0;
            }
        }
        long delay = backoff.nextDelayMillis();
        Long resumeAfter = lastSequenceNumber();
        String from = resumeAfter == null ? initial.toString() : "after sequence number " + resumeAfter;
        if (error == null) {
            log.info("The receive of partition {} of {} ended (the connection was closed); reopening it {} in {} ms",
                    partitionId, source.eventHubName(), from, delay);
        } else if (isLinkStolen(error)) {
            events.linkStolen(partitionId);
            int failures = ++failuresInRow;
            String reason = "partition " + partitionId + " of " + source.eventHubName() + " was taken by another reader with "
                    + "a higher owner level on consumer group '" + source.consumerGroup() + "' (" + failures + " time(s) in a "
                    + "row): give this connector a consumer group of its own, or stop the other reader. The service said: "
                    + error.getMessage();
            if (failures >= maxFailures) {
                failure = new ConnectException(reason, error);
                return;
            }
            log.warn("{}; trying again {} in {} ms", reason, from, delay);
        } else if (isTransient(error)) {
            log.warn("The receive of partition {} of {} failed ({}); reopening it {} in {} ms", partitionId,
                    source.eventHubName(), error.toString(), from, delay);
        } else {
            int failures = ++failuresInRow;
            String reason = "the receive of partition " + partitionId + " of " + source.eventHubName() + " on consumer group '"
                    + source.consumerGroup() + "' failed " + failures + " time(s) in a row: " + error;
            if (failures >= maxFailures) {
                failure = new ConnectException(reason, error);
                return;
            }
            log.warn("{}; trying again {} in {} ms", reason, from, delay);
        }
        events.reopening(partitionId);
        try {
            scheduler.schedule(this::open, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The task is stopping.
        }
    }

    /** The first event of a partition opened at a start position: what the position skipped, if the hub said what it held. */
    private void firstAfterStart(long sequenceNumber) {
        Long heldFrom = heldFromAtStart;
        if (heldFrom != null && sequenceNumber > heldFrom) {
            long skipped = sequenceNumber - heldFrom;
            events.skippedAtStart(partitionId, skipped);
            log.warn("Partition {} of {} opened at {} ({}): reading from sequence number {}; the {} event(s) the hub held "
                    + "before it ({} to {}) are not read", partitionId, source.eventHubName(), initial,
                    IotHubSourceConfig.START_POSITION_CONFIG, sequenceNumber, skipped, heldFrom, sequenceNumber - 1);
        } else {
            log.info("Partition {} of {} opened at {}: reading from sequence number {}", partitionId, source.eventHubName(),
                    initial, sequenceNumber);
        }
    }

    static boolean isLinkStolen(Throwable error) {
        return error instanceof AmqpException amqp && amqp.getErrorCondition() == AmqpErrorCondition.LINK_STOLEN;
    }

    static boolean isTransient(Throwable error) {
        if (error instanceof AmqpException amqp) {
            return amqp.isTransient();
        }
        return error instanceof TimeoutException || error instanceof java.io.IOException
                || error.getCause() instanceof TimeoutException || error.getCause() instanceof java.io.IOException;
    }

    /** One receive of the partition: requests what the partition's share of the buffer has room for. */
    private final class CreditSubscriber extends BaseSubscriber<IotHubEvent> {
        final long openedNanos = System.nanoTime();
        volatile boolean delivered;
        /** Events requested and not yet delivered; guarded by {@code lock}. */
        private int outstanding;

        /** How many more events to request now, counted as requested; call with {@code lock} held. */
        int grant() {
            if (inBufferBytes >= byteShare && inBuffer > 0) {
                return 0;
            }
            int want = Math.min(MAX_OUTSTANDING, share - inBuffer) - outstanding;
            if (want <= 0) {
                return 0;
            }
            outstanding += want;
            return want;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            int grant;
            synchronized (lock) {
                grant = closed || current != this ? -1 : grant();
            }
            if (grant < 0) {
                dispose();
            } else if (grant > 0) {
                request(grant);
            }
        }

        @Override
        protected void hookOnNext(IotHubEvent event) {
            long sequenceNumber = event.sequenceNumber();
            Long before;
            int grant;
            synchronized (lock) {
                if (closed || current != this) {
                    return;
                }
                outstanding--;
                before = reached;
                boolean replayed = before != null && sequenceNumber <= before;
                boolean refused = before != null && sequenceNumber > before + 1 && failOnSequenceGap;
                if (!replayed && !refused) {
                    inBuffer++;
                    inBufferBytes += event.body().length;
                    lastSequenceNumber = sequenceNumber;
                    reached = sequenceNumber;
                    buffer.add(event);
                }
                grant = refused ? 0 : grant();
            }
            if (grant > 0) {
                request(grant);
            }
            if (before != null && sequenceNumber <= before) {
                // Not buffered; the grant above asked for another in its place, so the receive goes on.
                events.replayDropped(partitionId);
                log.debug("Dropped event {} of partition {} of {}: the partition had reached {}", sequenceNumber, partitionId,
                        source.eventHubName(), before);
                return;
            }
            if (before == null) {
                firstAfterStart(sequenceNumber);
            } else if (sequenceNumber > before + 1) {
                long missing = sequenceNumber - before - 1;
                events.sequenceGap(partitionId, missing);
                String gap = "partition " + partitionId + " of " + source.eventHubName() + " went from sequence number " + before
                        + " to " + sequenceNumber + ": the " + missing + " event(s) " + (before + 1) + " to " + (sequenceNumber - 1)
                        + " were never read (deleted by the hub's retention while the connector was stopped or behind, or "
                        + "the offset was moved past them)";
                if (failOnSequenceGap) {
                    failure = new ConnectException(gap + "; " + IotHubSourceConfig.SEQUENCE_GAP_HANDLING_CONFIG + "=fail, so the "
                            + "task stops: set it to log to read on from " + sequenceNumber);
                    dispose();
                    return;
                }
                log.warn("{}; reading on", gap);
            }
            delivered = true;
            events.received(event);
        }

        @Override
        protected void hookOnError(Throwable error) {
            ended(this, error);
        }

        @Override
        protected void hookOnComplete() {
            ended(this, null);
        }
    }
}
