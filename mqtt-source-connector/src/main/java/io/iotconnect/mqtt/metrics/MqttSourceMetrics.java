package io.iotconnect.mqtt.metrics;

import io.iotconnect.mqtt.client.ConnectionState;
import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import io.iotconnect.mqtt.client.SubscriberEvents;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.common.metrics.stats.Rate;

import java.util.LinkedHashMap;
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

    public MqttSourceMetrics(PluginMetrics metrics, IntSupplier queueSize, Supplier<ConnectionState> state) {
        received = metrics.addSensor("mqtt-messages-received");
        received.add(name(metrics, "messages-received-total", "MQTT messages received from the broker."), new CumulativeCount());
        received.add(name(metrics, "messages-received-rate", "MQTT messages received per second."), new Rate());
        acknowledged = metrics.addSensor("mqtt-messages-acknowledged");
        acknowledged.add(name(metrics, "messages-acknowledged-total",
                "MQTT messages acknowledged to the broker after Kafka acknowledged their records."), new CumulativeCount());
        dropped = metrics.addSensor("mqtt-acknowledgements-dropped");
        dropped.add(name(metrics, "acknowledgements-dropped-total",
                "Acknowledgements not sent because their connection had ended; the broker redelivers those messages."), new CumulativeCount());
        malformed = metrics.addSensor("mqtt-malformed-messages");
        malformed.add(name(metrics, "malformed-messages-total", "Messages that could not be mapped and went to the error topic."),
                new CumulativeCount());
        reconnects = metrics.addSensor("mqtt-reconnects");
        reconnects.add(name(metrics, "reconnects-total", "Successful reconnections to the broker after a connection loss."),
                new CumulativeCount());
        metrics.addMetric(name(metrics, "queue-size", "Messages waiting between the MQTT client and Kafka."),
                (Gauge<Integer>) (config, now) -> queueSize.getAsInt());
        metrics.addMetric(name(metrics, "acknowledgements-pending", "QoS 1/2 messages received and not yet acknowledged."),
                (Gauge<Long>) (config, now) -> pending.get());
        metrics.addMetric(name(metrics, "connected", "1 while connected to the broker, else 0."),
                (Gauge<Integer>) (config, now) -> state.get() == ConnectionState.CONNECTED ? 1 : 0);
    }

    private static MetricName name(PluginMetrics metrics, String name, String description) {
        return metrics.metricName(name, description, new LinkedHashMap<>());
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
