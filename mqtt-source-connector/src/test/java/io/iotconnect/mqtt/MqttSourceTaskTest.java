package io.iotconnect.mqtt;

import io.iotconnect.mqtt.client.InboundQueue;
import io.iotconnect.mqtt.client.MqttSubscriber;
import io.iotconnect.mqtt.client.SubscriberEvents;
import io.iotconnect.mqtt.config.MqttSourceTaskConfig;
import io.iotconnect.mqtt.config.TopicFilter;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The task between its subscriber and Connect, with a subscriber that needs no broker (through the task's
 * subscriber factory): messages become records, malformed ones error records, and a message is acknowledged only
 * when Connect commits its record.
 */
class MqttSourceTaskTest {

    private FakeSubscriber subscriber;
    private MqttSourceTask task;

    /** Connects at once; messages arrive when the test says so. */
    static final class FakeSubscriber extends MqttSubscriber {
        final List<Integer> acknowledged = new CopyOnWriteArrayList<>();

        FakeSubscriber(MqttSourceTaskConfig config, InboundQueue queue, SubscriberEvents events) {
            super(new Settings(config.clientId(), config.serverUris(), config.taskFilters(), config.subscriptionQos(), false,
                    3600, 30, 5, 100, 1 << 20, null, null, null, true, config.reconnectBackoffInitial(), config.reconnectBackoffMax()),
                    queue, events);
        }

        @Override
        protected boolean connectClient() {
            return false;
        }

        @Override
        protected void subscribeClient() {
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
            return false;
        }

        void arrive(String topic, String payload, int messageId) throws InterruptedException {
            deliver(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false, false, messageId, List.of(), null);
        }
    }

    private void start(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "plant");
        props.put("mqtt.server.uris", "tcp://127.0.0.1:1");
        props.put("mqtt.topics", "devices/+/telemetry");
        props.put("mqtt.kafka.topic", "telemetry");
        props.put("mqtt.key.topic.level", "2");
        props.put("mqtt.poll.max.wait.ms", "50");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        Map<String, String> taskProps = MqttSourceTaskConfig.taskProps(props, 0, List.of(TopicFilter.parse("devices/+/telemetry")));
        task = new MqttSourceTask((config, queue, events) -> subscriber = new FakeSubscriber(config, queue, events));
        task.start(taskProps);
    }

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    @Test
    void messagesBecomeRecordsAndAreAcknowledgedOnlyWhenCommitted() throws Exception {
        start();
        subscriber.arrive("devices/dev-1/telemetry", "{\"t\":21.5}", 11);
        subscriber.arrive("devices/dev-2/telemetry", "{\"t\":", 12);
        List<SourceRecord> records = task.poll();
        assertThat(records).hasSize(2);
        assertThat(records.get(0).topic()).isEqualTo("telemetry");
        assertThat(records.get(0).key()).isEqualTo("dev-1");
        assertThat(records.get(1).topic()).as("malformed: to the error topic").isEqualTo("plant-errors");
        assertThat(subscriber.acknowledged).as("nothing is acknowledged before Kafka has the records").isEmpty();
        task.commitRecord(records.get(1), null);
        task.commitRecord(records.get(0), null);
        assertThat(subscriber.acknowledged).containsExactly(12, 11);
        assertThat(task.poll()).as("nothing more arrived").isNull();
    }

    @Test
    void strictHandlingFailsTheTaskAndLeavesTheMessageUnacknowledged() throws Exception {
        start("mqtt.error.handling", "fail");
        subscriber.arrive("devices/dev-1/telemetry", "not json", 21);
        assertThatThrownBy(task::poll).isInstanceOf(ConnectException.class)
                .hasMessageContaining("invalid JSON").hasMessageContaining("(mqtt.error.handling=fail)");
        assertThat(subscriber.acknowledged).isEmpty();
    }
}
