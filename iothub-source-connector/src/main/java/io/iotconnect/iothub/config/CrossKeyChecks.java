package io.iotconnect.iothub.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.config.CrossKeyValidation;
import io.iotconnect.common.config.LoopbackHosts;
import org.apache.kafka.common.config.types.Password;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks that involve more than one key. The connector runs them from {@code validate()} and {@code start()}
 * through {@link CrossKeyValidation}; each problem is on the key an operator should change, with the fix, and never
 * repeats a value (the connection string is a secret).
 */
public final class CrossKeyChecks {

    private CrossKeyChecks() {
    }

    public static List<ConfigProblem> check(IotHubSourceConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        checkSignIn(config, problems);

        if (config.proxyHost().isPresent() && config.transport() != Transport.AMQP_WEB_SOCKETS) {
            problems.add(new ConfigProblem(IotHubSourceConfig.TRANSPORT_CONFIG, "a proxy carries AMQP over WebSockets only: set "
                    + IotHubSourceConfig.TRANSPORT_CONFIG + "=amqp-web-sockets, or clear " + IotHubSourceConfig.PROXY_HOST_CONFIG));
        }
        if (config.proxyHost().isEmpty() && config.proxyUsername().isPresent()) {
            problems.add(new ConfigProblem(IotHubSourceConfig.PROXY_HOST_CONFIG, "a proxy user name needs the proxy host; set "
                    + IotHubSourceConfig.PROXY_HOST_CONFIG + " or clear " + IotHubSourceConfig.PROXY_USERNAME_CONFIG));
        }
        if (config.proxyUsername().isPresent() && isBlank(config.proxyPassword())) {
            problems.add(new ConfigProblem(IotHubSourceConfig.PROXY_PASSWORD_CONFIG, "a proxy user needs its password"));
        }
        if (config.retryMaxDelay().compareTo(config.retryDelay()) < 0) {
            problems.add(new ConfigProblem(IotHubSourceConfig.RETRY_MAX_DELAY_CONFIG, "the longest delay must be at least "
                    + IotHubSourceConfig.RETRY_DELAY_CONFIG + "; raise it or lower the first delay"));
        }

        boolean json = config.valueFormat() == ValueFormat.JSON;
        if (config.timestampSource() == TimestampSource.PAYLOAD_FIELD) {
            if (config.timestampField().isEmpty()) {
                problems.add(new ConfigProblem(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "timestamp source payload-field needs "
                        + "the JSON field with the reading's time, such as ts"));
            }
            if (!json) {
                problems.add(new ConfigProblem(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "timestamp source payload-field needs "
                        + IotHubSourceConfig.VALUE_FORMAT_CONFIG + "=json; with other formats use enqueued-time"));
            }
        } else if (config.timestampField().isPresent()) {
            problems.add(new ConfigProblem(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "a timestamp field is read only with "
                    + IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG + "=payload-field; set that, or clear the field"));
        }

        String errorTopic = config.errorTopic();
        if (config.topic().equals(errorTopic) || config.topicsByMessageSource().containsValue(errorTopic)) {
            problems.add(new ConfigProblem(IotHubSourceConfig.ERROR_TOPIC_CONFIG,
                    "the error topic must differ from the data topics, or malformed bodies mix with readings"));
        }
        return problems;
    }

    private static void checkSignIn(IotHubSourceConfig config, List<ConfigProblem> problems) {
        if (config.authType() == AuthType.CONNECTION_STRING) {
            if (isBlank(config.connectionString())) {
                problems.add(new ConfigProblem(IotHubSourceConfig.CONNECTION_STRING_CONFIG, IotHubSourceConfig.AUTH_TYPE_CONFIG
                        + "=connection-string needs the Event Hubs-compatible connection string (IoT Hub > Built-in endpoints), "
                        + "e.g. as ${env:IOTHUB_CONNECTION}, or sign in with Microsoft Entra ID (" + IotHubSourceConfig.AUTH_TYPE_CONFIG
                        + "=client-secret, managed-identity or workload-identity)"));
                return;
            }
            var endpoint = config.connectionStringPart("Endpoint");
            if (endpoint.isEmpty()) {
                problems.add(new ConfigProblem(IotHubSourceConfig.CONNECTION_STRING_CONFIG, "the connection string has no "
                        + "Endpoint=sb://<namespace>/ part; copy the whole Event Hubs-compatible endpoint from the IoT Hub"));
            } else if (config.connectionStringPart("UseDevelopmentEmulator").filter(value -> value.trim().equalsIgnoreCase("true"))
                    .isPresent() && !config.allowPlaintextEndpoint() && !LoopbackHosts.isLoopback(hostOf(endpoint.get()))) {
                problems.add(new ConfigProblem(IotHubSourceConfig.CONNECTION_STRING_CONFIG, "UseDevelopmentEmulator=true opens "
                        + "AMQP without TLS, and the endpoint is not on this machine, so the shared access key would cross the "
                        + "network in clear text: remove it for a real IoT Hub or Event Hub, or set "
                        + IotHubSourceConfig.ALLOW_PLAINTEXT_ENDPOINT_CONFIG + "=true for an emulator in a network you trust"));
            }
            String configuredName = config.getString(IotHubSourceConfig.EVENTHUB_NAME_CONFIG).trim();
            var entityPath = config.connectionStringPart("EntityPath");
            if (entityPath.isEmpty() && configuredName.isEmpty()) {
                problems.add(new ConfigProblem(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "the connection string has no EntityPath: "
                        + "give the Event Hub-compatible name here"));
            } else if (entityPath.isPresent() && !configuredName.isEmpty() && !entityPath.get().equals(configuredName)) {
                problems.add(new ConfigProblem(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "differs from the connection string's "
                        + "EntityPath; clear it, or make the two the same hub"));
            }
            return;
        }
        String authType = IotHubSourceConfig.AUTH_TYPE_CONFIG + "=" + io.iotconnect.common.config.Validators.configName(config.authType());
        if (config.namespace().isEmpty()) {
            problems.add(new ConfigProblem(IotHubSourceConfig.NAMESPACE_CONFIG, authType + " needs the fully qualified namespace "
                    + "of the Event Hubs-compatible endpoint, like <namespace>.servicebus.windows.net"));
        }
        if (config.getString(IotHubSourceConfig.EVENTHUB_NAME_CONFIG).isBlank()) {
            problems.add(new ConfigProblem(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, authType + " needs the Event Hub-compatible name"));
        }
        if (!isBlank(config.connectionString())) {
            problems.add(new ConfigProblem(IotHubSourceConfig.CONNECTION_STRING_CONFIG, "is used only with "
                    + IotHubSourceConfig.AUTH_TYPE_CONFIG + "=connection-string; clear it, or choose that sign-in"));
        }
        if (config.authType() == AuthType.CLIENT_SECRET) {
            if (config.tenantId().isEmpty()) {
                problems.add(new ConfigProblem(IotHubSourceConfig.TENANT_ID_CONFIG, authType + " needs the tenant id of the service principal"));
            }
            if (config.clientId().isEmpty()) {
                problems.add(new ConfigProblem(IotHubSourceConfig.CLIENT_ID_CONFIG, authType + " needs the application (client) id "
                        + "of the service principal"));
            }
            if (isBlank(config.clientSecret())) {
                problems.add(new ConfigProblem(IotHubSourceConfig.CLIENT_SECRET_CONFIG, authType + " needs the service principal's secret"));
            }
        }
    }

    /** The host of an {@code sb://host[:port]/} endpoint, or null when it has none. */
    private static String hostOf(String endpoint) {
        try {
            return java.net.URI.create(endpoint.trim()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isBlank(Password password) {
        return password == null || password.value() == null || password.value().isBlank();
    }
}
