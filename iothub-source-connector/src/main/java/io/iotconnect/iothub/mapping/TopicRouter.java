package io.iotconnect.iothub.mapping;

import java.util.Locale;
import java.util.Map;

/** The Kafka topic of an event: its IoT Hub message source's own topic, else the connector's topic. */
final class TopicRouter {

    private final String defaultTopic;
    private final Map<String, String> bySource;

    /** @param bySource topics by message source in lower case */
    TopicRouter(String defaultTopic, Map<String, String> bySource) {
        this.defaultTopic = defaultTopic;
        this.bySource = bySource;
    }

    String topic(String messageSource) {
        if (messageSource == null || bySource.isEmpty()) {
            return defaultTopic;
        }
        return bySource.getOrDefault(messageSource.toLowerCase(Locale.ROOT), defaultTopic);
    }
}
