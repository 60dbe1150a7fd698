package io.iotconnect.iothub.client;

import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpErrorContext;
import com.azure.core.amqp.exception.AmqpException;
import io.iotconnect.iothub.config.StartPosition;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionReadersTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final ScriptedEventSource source = new ScriptedEventSource();
    private final AtomicInteger reopened = new AtomicInteger();
    private final AtomicInteger stolen = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final List<Long> gaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Long> skipped = new java.util.concurrent.CopyOnWriteArrayList<>();
    private PartitionReaders readers;

    private final ReceiverEvents events = new ReceiverEvents() {
        @Override
        public void reopening(String partitionId) {
            reopened.incrementAndGet();
        }

        @Override
        public void linkStolen(String partitionId) {
            stolen.incrementAndGet();
        }

        @Override
        public void replayDropped(String partitionId) {
            dropped.incrementAndGet();
        }

        @Override
        public void sequenceGap(String partitionId, long missing) {
            gaps.add(missing);
        }

        @Override
        public void skippedAtStart(String partitionId, long count) {
            skipped.add(count);
        }
    };

    @AfterEach
    void close() {
        if (readers != null) {
            readers.close();
        }
    }

    private PartitionReaders start(Map<String, ReadPosition> positions, int capacity, int maxFailures) {
        return start(positions, capacity, maxFailures, false);
    }

    private PartitionReaders start(Map<String, ReadPosition> positions, int capacity, int maxFailures, boolean failOnGap) {
        return start(positions, capacity, Long.MAX_VALUE, maxFailures, failOnGap);
    }

    private PartitionReaders start(Map<String, ReadPosition> positions, int capacity, long maxBytes, int maxFailures,
                                   boolean failOnGap) {
        readers = new PartitionReaders(source, positions, new PartitionReaders.Settings(capacity, maxBytes, maxFailures,
                Duration.ofMillis(5), Duration.ofMillis(20), failOnGap), events, "test-receive");
        readers.start();
        return readers;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private List<Long> drainAll(int expected) throws InterruptedException {
        List<Long> sequenceNumbers = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sequenceNumbers.size() < expected && System.nanoTime() < deadline) {
            readers.poll(1000, Duration.ofMillis(20)).forEach(event -> sequenceNumbers.add(event.sequenceNumber()));
        }
        return sequenceNumbers;
    }

    private static AmqpException amqp(boolean isTransient, AmqpErrorCondition condition, String message) {
        return new AmqpException(isTransient, condition, message, new AmqpErrorContext("127.0.0.1"));
    }

    @Test
    void opensEachPartitionAtItsPositionAndRequestsOnlyItsShareOfTheBuffer() throws Exception {
        Map<String, ReadPosition> positions = new LinkedHashMap<>();
        positions.put("0", ReadPosition.of(StartPosition.EARLIEST));
        positions.put("1", ReadPosition.after(41));
        start(positions, 10, 3);
        await("two receives", () -> source.receives.size() == 2 && source.receives.stream().allMatch(r -> r.sink != null));
        assertThat(source.receivesOf("0").get(0).position).isEqualTo(ReadPosition.of(StartPosition.EARLIEST));
        assertThat(source.receivesOf("1").get(0).position).isEqualTo(ReadPosition.after(41));
        assertThat(source.receives).allSatisfy(receive -> assertThat(receive.requested).hasValue(5));
    }

    @Test
    void aFullShareStopsRequestingUntilPollTakesEventsOut() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.EARLIEST)), 3, 3);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        ScriptedEventSource.Receive receive = source.receives.get(0);
        for (long n = 0; n < 3; n++) {
            receive.emit(n);
        }
        assertThat(receive.requested).as("nothing more while the share is full").hasValue(3);
        assertThat(readers.buffered()).isEqualTo(3);
        assertThat(readers.poll(2, Duration.ofMillis(10))).extracting(IotHubEvent::sequenceNumber).containsExactly(0L, 1L);
        assertThat(receive.requested).as("one more per event taken").hasValue(5);
        assertThat(readers.poll(10, Duration.ofMillis(10))).extracting(IotHubEvent::sequenceNumber).containsExactly(2L);
        assertThat(readers.poll(10, Duration.ofMillis(10))).isEmpty();
    }

    @Test
    void reopensAfterAnErrorAndAfterACompletionFromTheLastEventWithoutLossOrRepeats() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.EARLIEST)), 100, 3);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        ScriptedEventSource.Receive first = source.receives.get(0);
        first.emit(0);
        first.emit(1);
        first.sink.error(amqp(true, AmqpErrorCondition.LINK_DETACH_FORCED, "detached"));
        await("the second receive", () -> source.receives.size() == 2 && source.receives.get(1).sink != null);
        ScriptedEventSource.Receive second = source.receives.get(1);
        assertThat(second.position).isEqualTo(ReadPosition.after(1));
        assertThat(second.requested).as("the share minus what is still buffered, at most 64 at a time")
                .hasValue(Math.min(98, PartitionReceiver.MAX_OUTSTANDING));
        second.emit(2);
        second.sink.complete();
        await("the third receive", () -> source.receives.size() == 3 && source.receives.get(2).sink != null);
        ScriptedEventSource.Receive third = source.receives.get(2);
        assertThat(third.position).isEqualTo(ReadPosition.after(2));
        third.emit(3);
        assertThat(drainAll(4)).containsExactly(0L, 1L, 2L, 3L);
        assertThat(reopened).hasValue(2);
        assertThat(readers.poll(10, Duration.ofMillis(10))).isEmpty();
    }

    @Test
    void aFailureBeforeAnyEventReopensAtTheStartPosition() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.LATEST)), 10, 3);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        source.receives.get(0).sink.error(amqp(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "busy"));
        await("the second receive", () -> source.receives.size() == 2);
        assertThat(source.receives.get(1).position).isEqualTo(ReadPosition.of(StartPosition.LATEST));
    }

    @Test
    void transientFailuresNeverFailTheTask() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.EARLIEST)), 10, 2);
        for (int i = 0; i < 10; i++) {
            int receives = i + 1;
            await("receive " + receives, () -> source.receives.size() == receives && source.receives.get(receives - 1).sink != null);
            source.receives.get(i).sink.error(amqp(true, AmqpErrorCondition.SERVER_BUSY_ERROR, "busy"));
        }
        await("the 11th receive", () -> source.receives.size() == 11);
        assertThat(readers.poll(10, Duration.ofMillis(1))).isEmpty();
    }

    @Test
    void aStolenLinkIsRetriedAndAfterTooManyInARowFailsTheTaskNamingTheConsumerGroup() throws Exception {
        start(Map.of("3", ReadPosition.of(StartPosition.EARLIEST)), 10, 3);
        for (int i = 0; i < 3; i++) {
            int receives = i + 1;
            await("receive " + receives, () -> source.receives.size() == receives && source.receives.get(receives - 1).sink != null);
            assertThat(readers.poll(10, Duration.ofMillis(1))).isEmpty();
            source.receives.get(i).sink.error(amqp(false, AmqpErrorCondition.LINK_STOLEN,
                    "New receiver 'other' with higher epoch of '5' is created"));
        }
        await("the failure", () -> {
            try {
                readers.poll(1, Duration.ofMillis(1));
                return false;
            } catch (ConnectException e) {
                return true;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThatThrownBy(() -> readers.poll(1, Duration.ofMillis(1))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("partition 3 of hub was taken by another reader with a higher owner level on consumer group 'connect-group'")
                .hasMessageContaining("3 time(s) in a row")
                .hasMessageContaining("higher epoch of '5'");
        assertThat(stolen).hasValue(3);
        Thread.sleep(50);
        assertThat(source.receives).as("no more attempts once failed").hasSize(3);
    }

    @Test
    void otherFailuresThatRetryingDoesNotCureFailTheTaskToo() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.EARLIEST)), 10, 2);
        for (int i = 0; i < 2; i++) {
            int receives = i + 1;
            await("receive " + receives, () -> source.receives.size() == receives && source.receives.get(receives - 1).sink != null);
            source.receives.get(i).sink.error(amqp(false, AmqpErrorCondition.NOT_FOUND, "consumer group 'nope' not found"));
        }
        await("the failure", () -> {
            try {
                readers.poll(1, Duration.ofMillis(1));
                return false;
            } catch (ConnectException e) {
                return e.getMessage().contains("failed 2 time(s) in a row") && e.getMessage().contains("'connect-group'");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void closeCancelsTheReceivesAndClosesTheSource() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.EARLIEST)), 10, 2);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        readers.close();
        readers = null;
        assertThat(source.receives.get(0).cancelled).isTrue();
        assertThat(source.closed).isTrue();
    }

    @Test
    void eventsAtOrBelowTheCommittedSequenceNumberAreDroppedAndCountedAndTheReceiveGoesOn() throws Exception {
        start(Map.of("0", ReadPosition.after(41)), 4, 3);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        ScriptedEventSource.Receive receive = source.receives.get(0);
        receive.emit(40);
        receive.emit(41);
        receive.emit(42);
        receive.emit(42);
        receive.emit(43);
        assertThat(drainAll(2)).containsExactly(42L, 43L);
        assertThat(dropped).hasValue(3);
        assertThat(receive.requested).as("a dropped event gives its credit back").hasValue(4 + 3 + 2);
        assertThat(gaps).isEmpty();
    }

    @Test
    void aGapAfterTheCommittedSequenceNumberIsCountedAndReadOnOrFailsTheTaskWhenAskedTo() throws Exception {
        start(Map.of("0", ReadPosition.after(99)), 100, 3);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        source.receives.get(0).emit(250);
        source.receives.get(0).emit(251);
        assertThat(drainAll(2)).containsExactly(250L, 251L);
        assertThat(gaps).containsExactly(150L);
        readers.close();

        gaps.clear();
        source.receives.clear();
        start(Map.of("0", ReadPosition.after(99)), 100, 3, true);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        source.receives.get(0).emit(100);
        assertThat(drainAll(1)).containsExactly(100L);
        source.receives.get(0).emit(250);
        assertThatThrownBy(() -> readers.poll(10, Duration.ofMillis(10))).isInstanceOf(ConnectException.class)
                .hasMessage("partition 0 of hub went from sequence number 100 to 250: the 149 event(s) 101 to 249 were never "
                        + "read (deleted by the hub's retention while the connector was stopped or behind, or the offset was "
                        + "moved past them); iothub.sequence.gap.handling=fail, so the task stops: set it to log to read on from 250");
        assertThat(gaps).containsExactly(149L);
        assertThat(source.receives.get(0).cancelled).as("the partition stops receiving").isTrue();
    }

    @Test
    void aPartitionOpenedAtLatestSaysHowManyEventsItLeftUnread() throws Exception {
        source.beginSequenceNumber = 7L;
        start(Map.of("0", ReadPosition.of(StartPosition.LATEST)), 10, 3);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        source.receives.get(0).emit(30);
        assertThat(drainAll(1)).containsExactly(30L);
        assertThat(skipped).containsExactly(23L);
        assertThat(gaps).isEmpty();
    }

    @Test
    void largeEventsFillTheByteShareAndStopTheRequestsUntilPollTakesThemOut() throws Exception {
        start(Map.of("0", ReadPosition.of(StartPosition.EARLIEST)), 10_000, 1000, 3, false);
        await("the receive", () -> source.receives.size() == 1 && source.receives.get(0).sink != null);
        ScriptedEventSource.Receive receive = source.receives.get(0);
        assertThat(receive.requested).as("at most 64 outstanding, not the 10,000 places").hasValue(PartitionReceiver.MAX_OUTSTANDING);
        String body = "x".repeat(400);
        for (long n = 0; n < 3; n++) {
            receive.sink.next(TestEvents.telemetry("0", n, "device", body));
        }
        long requested = receive.requested.get();
        receive.sink.next(TestEvents.telemetry("0", 3, "device", body));
        assertThat(receive.requested).as("1,200 bytes fill the share of 1,000: nothing more is asked for").hasValue(requested);
        assertThat(readers.poll(10, Duration.ofMillis(10))).hasSize(4);
        assertThat(receive.requested.get()).as("room again once poll took them").isGreaterThan(requested);
    }
}
