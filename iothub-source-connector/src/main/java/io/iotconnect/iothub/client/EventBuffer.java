package io.iotconnect.iothub.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The bounded hand-over between the SDK's threads and {@code poll()}. It never blocks the SDK: each partition's
 * receiver requests from the SDK only as many events as its share of the capacity has room for (see
 * {@link PartitionReceiver}), so an offer always fits; one that does not is a bug and fails the task.
 */
public final class EventBuffer {

    private final BlockingQueue<IotHubEvent> queue;

    public EventBuffer(int capacity) {
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    void add(IotHubEvent event) {
        if (!queue.offer(event)) {
            throw new IllegalStateException("event buffer full: a receiver requested more events than its share");
        }
    }

    /** Up to {@code max} events, waiting at most {@code maxWait} for the first; empty when none came. */
    public List<IotHubEvent> drain(int max, Duration maxWait) throws InterruptedException {
        IotHubEvent first = queue.poll(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) {
            return List.of();
        }
        List<IotHubEvent> events = new ArrayList<>(Math.min(max, queue.size() + 1));
        events.add(first);
        queue.drainTo(events, max - 1);
        return events;
    }

    public int size() {
        return queue.size();
    }
}
