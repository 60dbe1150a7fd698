package io.iotconnect.mqtt;

import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * The connector properties the integration tests start from: one task reading MQTT {@code topics} from the broker
 * into {@code kafkaTopic}, keyed by the second topic level, JSON values without schemas, quick reconnects. Each test
 * adds or replaces what it is about.
 */
final class MqttSourceProps {

    private MqttSourceProps() {
    }

    static Map<String, String> of(String brokerUri, String topics, String kafkaTopic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", MqttSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put(MqttSourceConnectorConfig.SERVER_URIS_CONFIG, brokerUri);
        props.put(MqttSourceConnectorConfig.TOPICS_CONFIG, topics);
        props.put(MqttSourceConnectorConfig.KAFKA_TOPIC_CONFIG, kafkaTopic);
        props.put(MqttSourceConnectorConfig.KEY_TOPIC_LEVEL_CONFIG, "2");
        props.put(MqttSourceConnectorConfig.RECONNECT_BACKOFF_INITIAL_CONFIG, "100");
        props.put(MqttSourceConnectorConfig.RECONNECT_BACKOFF_MAX_CONFIG, "1000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        return props;
    }
}
