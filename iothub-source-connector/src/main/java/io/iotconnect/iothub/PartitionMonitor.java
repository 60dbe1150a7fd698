package io.iotconnect.iothub;

import io.iotconnect.iothub.client.EventSource;
import io.iotconnect.iothub.config.PartitionAssignment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Looks up the hub's partitions every interval, on a thread of its own, and reports a changed set (an Event Hub's
 * partition count can be raised on premium and dedicated tiers) so the connector reassigns them. A failed lookup is
 * logged and tried again at the next interval: the tasks keep reading what they have.
 */
final class PartitionMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionMonitor.class);

    private final EventSource source;
    private final Consumer<List<String>> onChange;
    private final ScheduledExecutorService scheduler;
    private volatile List<String> known;

    PartitionMonitor(EventSource source, List<String> initial, Duration interval, Consumer<List<String>> onChange, String threadName) {
        this.source = source;
        this.known = List.copyOf(initial);
        this.onChange = onChange;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void check() {
        List<String> current;
        try {
            current = PartitionAssignment.sorted(source.partitionIds());
        } catch (RuntimeException e) {
            log.warn("Could not look up the partitions of {} (trying again at the next interval): {}", source.eventHubName(), e.toString());
            return;
        }
        if (!current.equals(known)) {
            log.info("The partitions of {} changed from {} to {}; reassigning them to tasks", source.eventHubName(), known, current);
            known = current;
            onChange.accept(current);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
