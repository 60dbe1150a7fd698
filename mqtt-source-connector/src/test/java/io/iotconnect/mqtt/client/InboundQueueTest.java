package io.iotconnect.mqtt.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class InboundQueueTest {

    private static MqttMessageEnvelope message(int id) {
        return new MqttMessageEnvelope("t", new byte[0], 1, false, false, id, List.of(), null, 1, 0);
    }

    @Test
    void drainTakesUpToMaxInOrder() throws Exception {
        InboundQueue queue = new InboundQueue(10);
        for (int i = 1; i <= 5; i++) {
            assertThat(queue.put(message(i))).isTrue();
        }
        List<MqttMessageEnvelope> batch = queue.drain(3, Duration.ofMillis(10));
        assertThat(batch).extracting(MqttMessageEnvelope::messageId).containsExactly(1, 2, 3);
        assertThat(queue.size()).isEqualTo(2);
        assertThat(queue.drain(10, Duration.ofMillis(10))).hasSize(2);
        assertThat(queue.drain(10, Duration.ofMillis(10))).isEmpty();
    }

    @Test
    void putBlocksWhileFullThenProceeds() throws Exception {
        InboundQueue queue = new InboundQueue(2);
        queue.put(message(1));
        queue.put(message(2));
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.put(message(3));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(blocked).as("back-pressure: put waits while full").isNotDone();
        assertThat(queue.size()).isEqualTo(2);
        queue.drain(1, Duration.ofMillis(10));
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(queue.capacity()).isEqualTo(2);
    }

    @Test
    void closeReleasesABlockedPut() throws Exception {
        InboundQueue queue = new InboundQueue(1);
        queue.put(message(1));
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.put(message(2));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        queue.close();
        assertThat(blocked.get(5, TimeUnit.SECONDS)).as("not taken once closed").isFalse();
    }

    @Test
    void payloadBytesBoundTheQueueTooButALargeMessageAloneStillPasses() throws Exception {
        InboundQueue queue = new InboundQueue(1000, 1000);
        assertThat(queue.put(sized(1, 600))).isTrue();
        CompletableFuture<Boolean> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return queue.put(sized(2, 600));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(blocked).as("600 + 600 bytes exceed the bound of 1000").isNotDone();
        assertThat(queue.bytes()).isEqualTo(600 + 2);
        assertThat(queue.drain(10, Duration.ofMillis(10))).extracting(MqttMessageEnvelope::messageId).containsExactly(1);
        assertThat(blocked.get(5, TimeUnit.SECONDS)).isTrue();
        queue.drain(10, Duration.ofMillis(10));
        assertThat(queue.put(sized(3, 5000))).as("larger than the bound, into an empty queue").isTrue();
        assertThat(queue.bytes()).isEqualTo(5000 + 2);
    }

    private static MqttMessageEnvelope sized(int id, int payloadBytes) {
        return new MqttMessageEnvelope("t", new byte[payloadBytes], 1, false, false, id, List.of(), null, 1, 0);
    }
}
