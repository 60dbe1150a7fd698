package io.iotconnect.mqtt.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded hand-over from the MQTT client's callback thread to {@code poll()}. When it is full, {@link #put}
 * blocks the callback thread, so the client stops reading from the socket and the broker holds the messages: memory
 * stays bounded and nothing is dropped.
 */
public final class InboundQueue {

    private static final long OFFER_SLICE_MS = 100;

    private final ArrayBlockingQueue<MqttMessageEnvelope> queue;
    private volatile boolean closed;

    public InboundQueue(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /**
     * Adds a message, waiting while the queue is full.
     *
     * @return false when the queue was closed first (the message is not taken and will not be acknowledged)
     */
    public boolean put(MqttMessageEnvelope message) throws InterruptedException {
        while (!closed) {
            if (queue.offer(message, OFFER_SLICE_MS, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** Waits up to {@code maxWait} for a first message, then takes it and whatever else is there, up to {@code max}. */
    public List<MqttMessageEnvelope> drain(int max, Duration maxWait) throws InterruptedException {
        MqttMessageEnvelope first = queue.poll(maxWait.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
            return Collections.emptyList();
        }
        List<MqttMessageEnvelope> batch = new ArrayList<>(Math.min(max, queue.size() + 1));
        batch.add(first);
        queue.drainTo(batch, max - 1);
        return batch;
    }

    public int size() {
        return queue.size();
    }

    public int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    /** Stops accepting messages and releases a blocked {@link #put}. */
    public void close() {
        closed = true;
    }
}
