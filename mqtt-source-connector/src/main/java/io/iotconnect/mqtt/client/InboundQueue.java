package io.iotconnect.mqtt.client;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over from the MQTT client's callback thread to {@code poll()}, bounded both by messages and by
 * payload bytes: a count alone would let a few devices sending large payloads fill a worker's memory. When either
 * bound is reached, {@link #put} blocks the callback thread, so the client stops reading from the socket and the
 * broker holds the messages: memory stays bounded and nothing is dropped. A message larger than the byte bound is
 * taken when the queue is empty, so no message waits forever.
 */
public final class InboundQueue {

    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int capacity;
    private final long maxBytes;
    private final ArrayDeque<MqttMessageEnvelope> messages = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private long bytes;
    private volatile boolean closed;

    public InboundQueue(int capacity) {
        this(capacity, Long.MAX_VALUE);
    }

    public InboundQueue(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /**
     * Adds a message, waiting while the queue is full.
     *
     * @return false when the queue was closed first (the message is not taken and will not be acknowledged)
     */
    public boolean put(MqttMessageEnvelope message) throws InterruptedException {
        long size = sizeOf(message);
        lock.lockInterruptibly();
        try {
            while (!closed) {
                if (messages.size() < capacity && (messages.isEmpty() || bytes + size <= maxBytes)) {
                    messages.addLast(message);
                    bytes += size;
                    notEmpty.signal();
                    return true;
                }
                // In slices, so that close() releases a waiting put even without a signal.
                notFull.awaitNanos(WAIT_SLICE_NANOS);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code maxWait} for a first message, then takes it and whatever else is there, up to {@code max}. */
    public List<MqttMessageEnvelope> drain(int max, Duration maxWait) throws InterruptedException {
        long remaining = maxWait.toNanos();
        lock.lockInterruptibly();
        try {
            while (messages.isEmpty()) {
                if (remaining <= 0) {
                    return Collections.emptyList();
                }
                remaining = notEmpty.awaitNanos(remaining);
            }
            List<MqttMessageEnvelope> batch = new ArrayList<>(Math.min(max, messages.size()));
            while (batch.size() < max && !messages.isEmpty()) {
                MqttMessageEnvelope message = messages.pollFirst();
                bytes -= sizeOf(message);
                batch.add(message);
            }
            notFull.signalAll();
            return batch;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return messages.size();
        } finally {
            lock.unlock();
        }
    }

    /** Payload bytes held now. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    public int capacity() {
        return capacity;
    }

    /** Stops accepting messages and releases a blocked {@link #put}. */
    public void close() {
        closed = true;
        lock.lock();
        try {
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What a message holds in memory beyond its envelope: payload and topic. */
    private static long sizeOf(MqttMessageEnvelope message) {
        return message.payload().length + 2L * message.topic().length();
    }
}
