package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.config.DataLakeSinkConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The records of one partition sent to the dead letter queue whose sending is not yet acknowledged. The partition's
 * committed offset in the lake must not pass one of them: a restart reads the partition again from that offset, and
 * only a record read again is reported again. (Connect waits for these before its own offset commit, but the lake's
 * index is written at the end of every {@code put()}.) The offset stays below the first unacknowledged record while
 * files after it are committed as usual; a record whose sending failed, or that is not acknowledged within
 * {@code datalake.errors.report.timeout.ms}, fails the task naming it, instead of holding the offset for ever.
 */
final class DeadLetters {

    private record Sent(long offset, Future<?> acknowledged, long sentAtMillis) {
    }

    private final TopicPartition partition;
    private final List<Sent> sent = new ArrayList<>();

    DeadLetters(TopicPartition partition) {
        this.partition = partition;
    }

    /** A record reported; {@code acknowledged} (what the reporter returned) completes once the queue has it. */
    void sent(long offset, Future<?> acknowledged, long nowMillis) {
        if (acknowledged != null) {
            sent.add(new Sent(offset, acknowledged, nowMillis));
        }
    }

    /** The lowest offset whose dead letter is not acknowledged, or {@link Long#MAX_VALUE} when every one is. */
    long firstUnacknowledged() {
        forgetAcknowledged();
        long first = Long.MAX_VALUE;
        for (Sent letter : sent) {
            first = Math.min(first, letter.offset());
        }
        return first;
    }

    /**
     * Fails when a dead letter could not be sent, or has waited for its acknowledgement longer than {@code timeoutMs}.
     */
    void check(long nowMillis, long timeoutMs) {
        forgetAcknowledged();
        for (Sent letter : sent) {
            Throwable failure = failure(letter.acknowledged());
            String record = partition + "@" + letter.offset();
            if (failure != null) {
                throw new ConnectException("record " + record + " could not be sent to the dead letter queue: " + failure,
                        failure);
            }
            long waited = nowMillis - letter.sentAtMillis();
            if (waited > timeoutMs) {
                throw new ConnectException("record " + record + " was sent to the dead letter queue " + waited + " ms ago and "
                        + "is not acknowledged (" + DataLakeSinkConfig.ERRORS_REPORT_TIMEOUT_CONFIG + "=" + timeoutMs + "); "
                        + "the lake's committed offset of " + partition + " stays below it until it is, so that a restart "
                        + "reports it again. Check the dead letter queue's topic and its producer settings");
            }
        }
    }

    private void forgetAcknowledged() {
        for (Iterator<Sent> letters = sent.iterator(); letters.hasNext(); ) {
            Future<?> acknowledged = letters.next().acknowledged();
            if (acknowledged.isDone() && failure(acknowledged) == null) {
                letters.remove();
            }
        }
    }

    /** Why a finished sending failed; null when it is not finished or succeeded. */
    private static Throwable failure(Future<?> acknowledged) {
        if (!acknowledged.isDone()) {
            return null;
        }
        try {
            acknowledged.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (CancellationException e) {
            return e;
        } catch (InterruptedException e) {
            // Not reached for a future that is done; keep the flag for whoever waits next.
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
