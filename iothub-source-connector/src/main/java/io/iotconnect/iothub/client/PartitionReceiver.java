package io.iotconnect.iothub.client;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
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
 * <p>Back-pressure: the partition owns {@code share} places of the {@link EventBuffer}. Its subscriber requests only
 * {@code share - inBuffer} events, and one more for each event {@code poll()} takes out ({@link #release}), so the
 * SDK's link credit, and with it what the service sends, follows what Kafka takes.
 *
 * <p>Failures retrying does not cure (the link taken by a reader with a higher owner level, an unknown consumer
 * group, no permission) are reopened with back-off too, but after {@code maxFailures} in a row, without a receive
 * that ran for {@link #STABLE} in between, {@link #failure()} returns the reason and the task fails with it.
 */
final class PartitionReceiver {

    private static final Logger log = LoggerFactory.getLogger(PartitionReceiver.class);

    /** A receive that ran this long before it ended restarts the count of failures in a row. */
    static final Duration STABLE = Duration.ofMinutes(1);

    private final String partitionId;
    private final EventSource source;
    private final EventBuffer buffer;
    private final int share;
    private final ReadPosition initial;
    private final ScheduledExecutorService scheduler;
    private final ReceiverEvents events;
    private final int maxFailures;
    private final Backoff backoff;

    private final Object lock = new Object();
    private CreditSubscriber current;
    private int inBuffer;
    private Long lastSequenceNumber;
    private boolean closed;
    private int failuresInRow;
    private volatile ConnectException failure;

    PartitionReceiver(String partitionId, EventSource source, EventBuffer buffer, int share, ReadPosition initial,
                      ScheduledExecutorService scheduler, ReceiverEvents events, int maxFailures, Duration backoffInitial,
                      Duration backoffMax) {
        this.partitionId = partitionId;
        this.source = source;
        this.buffer = buffer;
        this.share = share;
        this.initial = initial;
        this.scheduler = scheduler;
        this.events = events;
        this.maxFailures = maxFailures;
        this.backoff = new Backoff(backoffInitial, backoffMax);
    }

    String partitionId() {
        return partitionId;
    }

    void start() {
        open();
    }

    /** {@code count} of this partition's events left the buffer: the receive may ask for as many more. */
    void release(int count) {
        CreditSubscriber subscriber;
        synchronized (lock) {
            inBuffer -= count;
            subscriber = current;
        }
        if (subscriber != null) {
            subscriber.request(count);
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

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            int room;
            synchronized (lock) {
                if (closed || current != this) {
                    room = -1;
                } else {
                    room = share - inBuffer;
                }
            }
            if (room < 0) {
                dispose();
            } else if (room > 0) {
                request(room);
            }
        }

        @Override
        protected void hookOnNext(IotHubEvent event) {
            synchronized (lock) {
                if (closed || current != this) {
                    return;
                }
                inBuffer++;
                lastSequenceNumber = event.sequenceNumber();
                buffer.add(event);
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
