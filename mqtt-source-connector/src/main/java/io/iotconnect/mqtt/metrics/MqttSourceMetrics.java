package io.iotconnect.mqtt.metrics;

import io.iotconnect.common.metrics.PluginSensors;
import io.iotconnect.mqtt.client.ConnectionState;
import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import io.iotconnect.mqtt.client.SubscriberEvents;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The task's metrics, registered as Kafka Connect plugin metrics (KIP-877), so they appear in JMX under the worker's
 * {@code kafka.connect} domain tagged with the connector and task:
 * messages-received-total/-rate, messages-acknowledged-total, acknowledgements-dropped-total, malformed-messages-total,
 * reconnects-total, queue-size, acknowledgements-pending, connected.
 */
public final class MqttSourceMetrics implements SubscriberEvents {

    private final Sensor received;
    private final Sensor acknowledged;
    private final Sensor dropped;
    private final Sensor malformed;
    private final Sensor reconnects;
    private final AtomicLong pending = new AtomicLong();

    public MqttSourceMetrics(PluginMetrics pluginMetrics, IntSupplier queueSize, Supplier<ConnectionState> state) {
        PluginSensors metrics = new PluginSensors(pluginMetrics);
        received = metrics.sensor("mqtt-messages-received");
        received.add(metrics.name("messages-received-total", "MQTT messages received from the broker."), new CumulativeCount());
        received.add(metrics.name("messages-received-rate", "MQTT messages received per second."), new Rate());
        acknowledged = metrics.sensor("mqtt-messages-acknowledged");
        acknowledged.add(metrics.name("messages-acknowledged-total",
                "MQTT messages acknowledged to the broker after Kafka acknowledged their records."), new CumulativeCount());
        dropped = metrics.sensor("mqtt-acknowledgements-dropped");
        dropped.add(metrics.name("acknowledgements-dropped-total",
                "Acknowledgements not sent because their connection had ended; the broker redelivers those messages."), new CumulativeCount());
        malformed = metrics.sensor("mqtt-malformed-messages");
        malformed.add(metrics.name("malformed-messages-total", "Messages that could not be mapped and went to the error topic."),
                new CumulativeCount());
        reconnects = metrics.sensor("mqtt-reconnects");
        reconnects.add(metrics.name("reconnects-total", "Successful reconnections to the broker after a connection loss."),
                new CumulativeCount());
        pluginMetrics.addMetric(metrics.name("queue-size", "Messages waiting between the MQTT client and Kafka."),
                (Gauge<Integer>) (config, now) -> queueSize.getAsInt());
        pluginMetrics.addMetric(metrics.name("acknowledgements-pending", "QoS 1/2 messages received and not yet acknowledged."),
                (Gauge<Long>) (config, now) -> pending.get());
        pluginMetrics.addMetric(metrics.name("connected", "1 while connected to the broker, else 0."),
                (Gauge<Integer>) (config, now) -> state.get() == ConnectionState.CONNECTED ? 1 : 0);
    }

    @Override
    public void messageArrived(MqttMessageEnvelope message) {
        received.record();
        if (message.qos() > 0) {
            pending.incrementAndGet();
        }
    }

    @Override
    public void messageAcknowledged() {
        acknowledged.record();
        pending.decrementAndGet();
    }

    @Override
    public void acknowledgementDropped() {
        dropped.record();
        pending.decrementAndGet();
    }

    @Override
    public void connected(boolean reconnect) {
        if (reconnect) {
            reconnects.record();
        }
    }

    public void malformedMessage() {
        malformed.record();
    }
}
