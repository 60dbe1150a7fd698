package io.iotconnect.mqtt;

import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.mqtt.client.InboundQueue;
import io.iotconnect.mqtt.client.MqttMessageEnvelope;
import io.iotconnect.mqtt.client.MqttSubscriber;
import io.iotconnect.mqtt.client.SubscriberEvents;
import io.iotconnect.mqtt.config.ErrorHandling;
import io.iotconnect.mqtt.config.MqttSourceTaskConfig;
import io.iotconnect.mqtt.mapping.MalformedMessageException;
import io.iotconnect.mqtt.mapping.MqttRecordMapper;
import io.iotconnect.mqtt.mapping.MqttSourceRecord;
import io.iotconnect.mqtt.metrics.MqttSourceMetrics;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads one share of the subscriptions: the subscriber fills a bounded queue, {@link #poll()} maps what is there to
 * records, and {@link #commitRecord} acknowledges each message to the broker once Kafka has its record (or the
 * framework dropped or skipped it), which makes delivery at-least-once end to end.
 */
public class MqttSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(MqttSourceTask.class);

    /** Creates the protocol client; replaced in unit tests. */
    interface SubscriberFactory {
        MqttSubscriber create(MqttSourceTaskConfig config, InboundQueue queue, SubscriberEvents events);
    }

    private final SubscriberFactory subscriberFactory;
    private MqttSourceTaskConfig config;
    private MqttRecordMapper mapper;
    private InboundQueue queue;
    private MqttSubscriber subscriber;
    private MqttSourceMetrics metrics;
    private boolean failOnMalformed;

    public MqttSourceTask() {
        this(MqttSubscribers::create);
    }

    MqttSourceTask(SubscriberFactory subscriberFactory) {
        this.subscriberFactory = subscriberFactory;
    }

    @Override
    public String version() {
        return PluginVersion.of(MqttSourceTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MqttSourceTaskConfig(props);
        mapper = new MqttRecordMapper(config);
        failOnMalformed = config.errorHandling() == ErrorHandling.FAIL;
        queue = new InboundQueue(config.queueCapacity(), config.queueMaxBytes());
        SubscriberEvents events = SubscriberEvents.NONE;
        PluginMetrics pluginMetrics = context == null ? null : context.pluginMetrics();
        if (pluginMetrics != null) {
            metrics = new MqttSourceMetrics(pluginMetrics, queue::size, () -> subscriber == null ? null : subscriber.state());
            events = metrics;
        }
        subscriber = subscriberFactory.create(config, queue, events);
        log.info("Starting MQTT source task {} as client {} on {} for {} at QoS {}{}", config.taskIndex(), config.clientId(),
                config.serverUris(), config.taskFilters(), config.subscriptionQos(),
                config.qos() == config.subscriptionQos() ? "" : " (" + MqttSourceConnectorConfig.QOS_CONFIG + "=" + config.qos() + ": QoS 1 is what survives a worker crash)");
        subscriber.start();
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        ConnectException refused = subscriber.failure();
        if (refused != null) {
            throw refused;
        }
        List<MqttMessageEnvelope> messages = queue.drain(config.pollMaxRecords(), config.pollMaxWait());
        if (messages.isEmpty()) {
            return null;
        }
        List<SourceRecord> records = new ArrayList<>(messages.size());
        for (MqttMessageEnvelope message : messages) {
            records.add(toRecord(message));
        }
        return records;
    }

    private SourceRecord toRecord(MqttMessageEnvelope message) {
        try {
            return mapper.toRecord(message);
        } catch (MalformedMessageException e) {
            if (failOnMalformed) {
                // Not acknowledged: the broker redelivers the message when the task is restarted.
                throw new ConnectException(e.getMessage() + " (" + MqttSourceConnectorConfig.ERROR_HANDLING_CONFIG + "=fail)", e);
            }
            if (metrics != null) {
                metrics.malformedMessage();
            }
            log.debug("Sending malformed message to the error topic: {}", e.getMessage());
            return mapper.errorRecord(message, e);
        }
    }

    /**
     * Called once Kafka acknowledged the record, or the framework dropped it (a transformation filtered it, or
     * errors.tolerance=all skipped it): either way it is done with, so the MQTT message is acknowledged.
     */
    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        if (record instanceof MqttSourceRecord mqttRecord) {
            subscriber.acknowledge(mqttRecord.message());
        }
    }

    @Override
    public void stop() {
        if (subscriber != null) {
            log.info("Stopping MQTT source task {} (client {})", config.taskIndex(), config.clientId());
            subscriber.close();
        }
    }
}
