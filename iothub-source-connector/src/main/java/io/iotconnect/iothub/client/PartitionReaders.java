package io.iotconnect.iothub.client;

import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task's readers: one {@link PartitionReceiver} per assigned partition, all filling one {@link EventBuffer} of which
 * each partition owns an equal share of places (at least one) and of body bytes, and the thread that reopens
 * receives after back-off.
 */
public final class PartitionReaders implements AutoCloseable {

    /** What the readers need besides the source and positions. */
    public record Settings(int bufferCapacity, long bufferMaxBytes, int maxFailures, Duration backoffInitial,
                           Duration backoffMax, boolean failOnSequenceGap) {
    }

    private final EventSource source;
    private final EventBuffer buffer;
    private final Map<String, PartitionReceiver> receivers = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;

    public PartitionReaders(EventSource source, Map<String, ReadPosition> positions, Settings settings, ReceiverEvents events,
                            String threadName) {
        this.source = source;
        int share = Math.max(1, settings.bufferCapacity() / Math.max(1, positions.size()));
        long byteShare = Math.max(1, settings.bufferMaxBytes() / Math.max(1, positions.size()));
        this.buffer = new EventBuffer(share * Math.max(1, positions.size()));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        positions.forEach((partition, position) -> receivers.put(partition, new PartitionReceiver(partition, source, buffer,
                share, byteShare, position, scheduler, events, settings.maxFailures(), settings.backoffInitial(), settings.backoffMax(),
                settings.failOnSequenceGap())));
    }

    public void start() {
        receivers.values().forEach(PartitionReceiver::start);
    }

    /**
     * Up to {@code max} buffered events, waiting at most {@code maxWait} for the first; their places in the buffer are
     * given back to their partitions' receives at once.
     *
     * @throws ConnectException when a partition cannot be read (see {@link PartitionReceiver#failure()})
     */
    public List<IotHubEvent> poll(int max, Duration maxWait) throws InterruptedException {
        throwIfFailed();
        List<IotHubEvent> events = buffer.drain(max, maxWait);
        if (!events.isEmpty()) {
            Map<String, long[]> taken = new LinkedHashMap<>();
            for (IotHubEvent event : events) {
                long[] countAndBytes = taken.computeIfAbsent(event.partitionId(), partition -> new long[2]);
                countAndBytes[0]++;
                countAndBytes[1] += event.body().length;
            }
            taken.forEach((partition, countAndBytes) -> receivers.get(partition).release((int) countAndBytes[0], countAndBytes[1]));
        }
        return events;
    }

    private void throwIfFailed() {
        for (PartitionReceiver receiver : receivers.values()) {
            ConnectException failure = receiver.failure();
            if (failure != null) {
                throw failure;
            }
        }
    }

    public int buffered() {
        return buffer.size();
    }

    @Override
    public void close() {
        receivers.values().forEach(PartitionReceiver::close);
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        source.close();
    }
}
