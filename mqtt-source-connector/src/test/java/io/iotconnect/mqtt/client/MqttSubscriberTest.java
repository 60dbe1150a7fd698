package io.iotconnect.mqtt.client;

import io.iotconnect.mqtt.config.TopicFilter;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The protocol-independent half of a subscriber, with a scripted client in place of Paho: acknowledgements only on
 * the connection a message came on, resubscription when the broker has no session, refusals thrown, other failures
 * retried.
 */
class MqttSubscriberTest {

    private final InboundQueue queue = new InboundQueue(100);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private ScriptedSubscriber subscriber;

    /** A client whose connect attempts follow a script: true/false (session present) or an exception to throw. */
    private final class ScriptedSubscriber extends MqttSubscriber {
        final Deque<Object> connects = new ArrayDeque<>();
        final List<Integer> acknowledged = new CopyOnWriteArrayList<>();
        volatile int subscriptions;

        ScriptedSubscriber(Object... script) {
            super(new Settings("task-0", List.of("tcp://127.0.0.1:1"), List.of(TopicFilter.parse("devices/+/telemetry")), 1,
                    false, 3600, 30, 5, 100, 1 << 20, null, null, null, true, Duration.ofMillis(1), Duration.ofMillis(5)), queue,
                    new SubscriberEvents() {
                        @Override
                        public void acknowledgementDropped() {
                            events.add("dropped");
                        }

                        @Override
                        public void connected(boolean reconnect) {
                            events.add(reconnect ? "reconnected" : "connected");
                        }
                    });
            connects.addAll(List.of(script));
        }

        @Override
        protected synchronized boolean connectClient() throws Exception {
            Object next = connects.isEmpty() ? Boolean.TRUE : connects.poll();
            if (next instanceof Exception e) {
                throw e;
            }
            return (Boolean) next;
        }

        @Override
        protected void subscribeClient() {
            subscriptions++;
        }

        @Override
        protected void acknowledgeClient(int messageId, int qos) {
            acknowledged.add(messageId);
        }

        @Override
        protected void closeClient() {
        }

        @Override
        protected boolean isRefusedByBroker(Exception e) {
            return e instanceof IllegalAccessException;
        }

        MqttMessageEnvelope arrive(int messageId, int qos) throws InterruptedException {
            deliver("devices/d/telemetry", new byte[] {'{', '}'}, qos, false, false, messageId, List.of(), null);
            return queue.drain(1, Duration.ofSeconds(1)).get(0);
        }

        void lose() {
            connectionLost(new IOException("connection reset"));
        }
    }

    @AfterEach
    void close() {
        if (subscriber != null) {
            subscriber.close();
        }
    }

    @Test
    void acknowledgesOnlyOnTheConnectionTheMessageCameOn() throws Exception {
        subscriber = new ScriptedSubscriber(false, true);
        subscriber.start();
        MqttMessageEnvelope before = subscriber.arrive(7, 1);
        subscriber.lose();
        await(() -> events.contains("reconnected"));
        // After a reconnect the broker redelivers message 7, and may reuse its packet id for another message: the old
        // acknowledgement must not go out on the new connection.
        subscriber.acknowledge(before);
        assertThat(subscriber.acknowledged).isEmpty();
        assertThat(events).contains("dropped");

        MqttMessageEnvelope redelivered = subscriber.arrive(7, 1);
        subscriber.acknowledge(redelivered);
        assertThat(subscriber.acknowledged).containsExactly(7);
        subscriber.acknowledge(subscriber.arrive(8, 0));
        assertThat(subscriber.acknowledged).as("QoS 0 has nothing to acknowledge").containsExactly(7);
    }

    @Test
    void subscribesOnTheFirstConnectionAndWheneverTheBrokerHasNoSession() throws Exception {
        subscriber = new ScriptedSubscriber(true, true, false);
        subscriber.start();
        assertThat(subscriber.subscriptions).as("first connection of the task, even with a session").isEqualTo(1);
        subscriber.lose();
        await(() -> events.stream().filter("reconnected"::equals).count() == 1);
        assertThat(subscriber.subscriptions).as("session present: subscriptions are still there").isEqualTo(1);
        subscriber.lose();
        await(() -> events.stream().filter("reconnected"::equals).count() == 2);
        assertThat(subscriber.subscriptions).as("no session: subscribe again").isEqualTo(2);
    }

    @Test
    void aRefusalIsThrownAndOtherFailuresAreRetried() throws Exception {
        ScriptedSubscriber refused = new ScriptedSubscriber(new IllegalAccessException("not authorized"));
        assertThatThrownBy(refused::start).isInstanceOf(ConnectException.class)
                .hasMessageContaining("MQTT broker refused client task-0").hasMessageContaining("not authorized")
                .hasMessageContaining("Fix the connector configuration");
        assertThat(refused.state()).isEqualTo(ConnectionState.FAILED);
        assertThat(refused.failure()).isNotNull();
        refused.close();

        subscriber = new ScriptedSubscriber(new IOException("connection refused"), new IOException("connection refused"), false);
        subscriber.start();
        assertThat(subscriber.failure()).isNull();
        await(() -> subscriber.state() == ConnectionState.CONNECTED);
        assertThat(subscriber.subscriptions).isEqualTo(1);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as("within 5 s").isTrue();
    }
}
