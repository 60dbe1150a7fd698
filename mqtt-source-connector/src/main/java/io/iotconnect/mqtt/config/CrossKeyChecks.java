package io.iotconnect.mqtt.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.config.CrossKeyValidation;
import io.iotconnect.common.config.LoopbackHosts;

import java.net.URI;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks that involve more than one key and need nothing but the parsed config. The connector runs them from
 * {@code validate()} and {@code start()} through {@link CrossKeyValidation}, followed by the TLS check, which reads
 * the key and trust stores. Each problem is reported on the key an operator should change, with the fix.
 */
public final class CrossKeyChecks {

    private CrossKeyChecks() {
    }

    public static List<ConfigProblem> check(MqttSourceConnectorConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<TopicFilter> filters = config.topicFilters();

        for (int i = 0; i < filters.size(); i++) {
            for (int j = i + 1; j < filters.size(); j++) {
                if (filters.get(i).overlaps(filters.get(j))) {
                    problems.add(new ConfigProblem(MqttSourceConnectorConfig.TOPICS_CONFIG, "filters '" + filters.get(i) + "' and '"
                            + filters.get(j) + "' overlap, so a message matching both would be read twice: keep only the wider one"));
                }
            }
        }

        boolean shared = filters.stream().anyMatch(TopicFilter::isShared);
        if (shared && config.qos() == 0) {
            problems.add(new ConfigProblem(MqttSourceConnectorConfig.QOS_CONFIG, "QoS 0 with a shared subscription loses the messages the "
                    + "broker routed to a task that is restarting or rebalancing; use QoS 1 (or 2)"));
        }

        if (config.mqttVersion() == MqttVersion.V5 && !config.cleanStart() && config.sessionExpirySeconds() == 0) {
            problems.add(new ConfigProblem(MqttSourceConnectorConfig.SESSION_EXPIRY_CONFIG, "0 ends the MQTT session when a task "
                    + "disconnects, so messages published while it reconnects are lost; use a positive value such as 86400"));
        }

        if ((config.username().isPresent() || config.password().isPresent()) && !config.allowPlaintextCredentials()) {
            for (String uri : config.serverUris()) {
                URI parsed = URI.create(uri.trim());
                String scheme = parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
                if ((scheme.equals("tcp") || scheme.equals("ws")) && !LoopbackHosts.isLoopback(parsed.getHost())) {
                    problems.add(new ConfigProblem(MqttSourceConnectorConfig.SERVER_URIS_CONFIG, "'" + uri.trim() + "' would carry "
                            + "the user name and password in clear text: use ssl:// or wss://, or set "
                            + MqttSourceConnectorConfig.ALLOW_PLAINTEXT_CREDENTIALS_CONFIG + "=true inside a network you trust"));
                }
            }
        }

        boolean json = config.valueFormat() == ValueFormat.JSON;
        if (config.keySource() == KeySource.PAYLOAD_FIELD) {
            if (config.keyField().isEmpty()) {
                problems.add(new ConfigProblem(MqttSourceConnectorConfig.KEY_FIELD_CONFIG,
                        "key source payload-field needs the field that holds the device id, such as deviceId"));
            }
            if (!json) {
                problems.add(new ConfigProblem(MqttSourceConnectorConfig.KEY_SOURCE_CONFIG,
                        "key source payload-field needs " + MqttSourceConnectorConfig.VALUE_FORMAT_CONFIG + "=json; with "
                                + config.valueFormat().name().toLowerCase() + " values use topic-level or none"));
            }
        }
        if (config.timestampField().isPresent() && !json) {
            problems.add(new ConfigProblem(MqttSourceConnectorConfig.TIMESTAMP_FIELD_CONFIG,
                    "a timestamp field needs " + MqttSourceConnectorConfig.VALUE_FORMAT_CONFIG
                            + "=json; leave it empty to use the arrival time"));
        }

        if (config.kafkaTopic().isFixed() && config.kafkaTopicAllowPattern().isPresent()
                && !config.kafkaTopicAllowPattern().get().matcher(config.kafkaTopic().resolve("")).matches()) {
            problems.add(new ConfigProblem(MqttSourceConnectorConfig.KAFKA_TOPIC_ALLOW_PATTERN_CONFIG, "the pattern does not match "
                    + "the connector's own topic '" + config.kafkaTopic().resolve("") + "', so every message would be refused: "
                    + "widen it, or leave it empty for a fixed topic"));
        }

        long largestMessage = (long) config.valueMaxBytes() + config.headerLimits().maxBytes();
        if (config.mqttVersion() == MqttVersion.V5 && config.packetMaxBytes() < largestMessage) {
            problems.add(new ConfigProblem(MqttSourceConnectorConfig.PACKET_MAX_BYTES_CONFIG, "the broker would discard, unseen, "
                    + "messages the connector accepts (" + MqttSourceConnectorConfig.VALUE_MAX_BYTES_CONFIG + " plus "
                    + MqttSourceConnectorConfig.HEADERS_MAX_BYTES_CONFIG + " is " + largestMessage + " bytes): raise it to at "
                    + "least that, or lower those"));
        }

        if (config.kafkaTopic().isFixed() && config.kafkaTopic().resolve("").equals(config.errorTopic())) {
            problems.add(new ConfigProblem(MqttSourceConnectorConfig.ERROR_TOPIC_CONFIG,
                    "the error topic must differ from the data topic, or malformed payloads mix with readings"));
        }
        return problems;
    }
}
