package io.iotconnect.iothub.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.json.JsonSchemaInference;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IotHubSourceConfigTest {

    static final String CONNECTION_STRING = "Endpoint=sb://ihsuprod.servicebus.windows.net/;SharedAccessKeyName=service;"
            + "SharedAccessKey=c2VjcmV0;EntityPath=my-hub";

    static Map<String, String> minimal() {
        Map<String, String> props = new HashMap<>();
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, CONNECTION_STRING);
        props.put(IotHubSourceConfig.TOPIC_CONFIG, "telemetry");
        props.put("name", "iothub");
        return props;
    }

    private static List<ConfigProblem> problems(Map<String, String> props) {
        return CrossKeyChecks.check(new IotHubSourceConfig(props));
    }

    private static Map<String, String> with(String... keysAndValues) {
        Map<String, String> props = minimal();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] == null) {
                props.remove(keysAndValues[i]);
            } else {
                props.put(keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return props;
    }

    @Test
    void defaultsOfAMinimalConfig() {
        IotHubSourceConfig config = new IotHubSourceConfig(minimal());
        assertThat(problems(minimal())).isEmpty();
        assertThat(config.authType()).isEqualTo(AuthType.CONNECTION_STRING);
        assertThat(config.eventHubName()).as("from EntityPath").isEqualTo("my-hub");
        assertThat(config.consumerGroup()).isEqualTo("$Default");
        assertThat(config.transport()).isEqualTo(Transport.AMQP);
        assertThat(config.startPosition()).isEqualTo(StartPosition.EARLIEST);
        assertThat(config.ownerLevel()).isEmpty();
        assertThat(config.valueFormat()).isEqualTo(ValueFormat.JSON);
        assertThat(config.timestampSource()).isEqualTo(TimestampSource.ENQUEUED_TIME);
        assertThat(config.errorTopic()).isEqualTo("iothub-errors");
        assertThat(config.partitionCheckInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.prefetchCount()).isEqualTo(500);
        assertThat(config.topicsByMessageSource()).isEmpty();
        assertThat(config.proxyHost()).isEmpty();
    }

    @Test
    void keepsTheConnectionStringAsGivenWithItsOptions() {
        String emulator = CONNECTION_STRING + ";UseDevelopmentEmulator=true";
        IotHubSourceConfig config = new IotHubSourceConfig(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, emulator));
        assertThat(config.connectionString().value()).isEqualTo(emulator);
        assertThat(config.connectionString().toString()).as("hidden in toString").doesNotContain("c2VjcmV0");
        assertThat(config.connectionStringPart("usedevelopmentemulator")).contains("true");
    }

    @Test
    void parsesTopicsByMessageSourceCaseInsensitively() {
        IotHubSourceConfig config = new IotHubSourceConfig(with(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG,
                "twinChangeEvents:twins, deviceLifecycleEvents:lifecycle"));
        assertThat(config.topicsByMessageSource()).containsOnly(Map.entry("twinchangeevents", "twins"),
                Map.entry("devicelifecycleevents", "lifecycle"));
    }

    @Test
    void avroNamingIsOffByDefaultAndParsedOnce() {
        IotHubSourceConfig defaults = new IotHubSourceConfig(minimal());
        assertThat(defaults.jsonSchema()).isEqualTo(new JsonSchemaInference.Settings(1000, JsonSchemaInference.FieldNames.KEEP, null,
                JsonSchemaInference.SchemaScope.SHAPE, JsonSchemaInference.NumberDrift.WIDEN, 1000, "iothub.value.json.max.topic.fields"));
        IotHubSourceConfig avro = new IotHubSourceConfig(with(IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG, "AVRO",
                IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG, " io.iotconnect.${topic} ", IotHubSourceConfig.JSON_SCHEMA_SCOPE_CONFIG,
                "topic", IotHubSourceConfig.JSON_NUMBER_DRIFT_CONFIG, "route", IotHubSourceConfig.SCHEMA_CACHE_SIZE_CONFIG, "7"));
        JsonSchemaInference.Settings settings = avro.jsonSchema();
        assertThat(settings.fieldNames()).isEqualTo(JsonSchemaInference.FieldNames.AVRO);
        assertThat(settings.schemaName().resolve("a-b")).isEqualTo("io.iotconnect.a_b");
        assertThat(settings.scope()).isEqualTo(JsonSchemaInference.SchemaScope.TOPIC);
        assertThat(settings.numberDrift()).isEqualTo(JsonSchemaInference.NumberDrift.ROUTE);
        assertThat(settings.cacheSize()).isEqualTo(7);
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG, "${topic}-value")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG)
                .hasMessageContaining("cannot make a valid Avro full name");
    }

    @Test
    void refusesBadValuesOfSingleKeysWithWhatToWrite() {
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.START_POSITION_CONFIG, "2026-01-01")))
                .isInstanceOf(ConfigException.class).hasMessageContaining(IotHubSourceConfig.START_POSITION_CONFIG);
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.OWNER_LEVEL_CONFIG, "-1")))
                .hasMessageContaining("0 or more");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.OWNER_LEVEL_CONFIG, "high")))
                .hasMessageContaining("whole number");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "twinChangeEvents")))
                .hasMessageContaining("source:topic");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "a:t1,A:t2")))
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "a:bad topic")))
                .hasMessageContaining("not a valid Kafka topic");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.NAMESPACE_CONFIG, "sb://ns.servicebus.windows.net/")))
                .hasMessageContaining("without sb://");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.NAMESPACE_CONFIG, "myns")))
                .hasMessageContaining("myns.servicebus.windows.net");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG, "amqps://gw:5671")))
                .hasMessageContaining(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG).hasMessageContaining("https:// URL with a host");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG, "https://gw :5671")))
                .hasMessageContaining("not a URL");
        assertThat(new IotHubSourceConfig(with(IotHubSourceConfig.CUSTOM_ENDPOINT_CONFIG, " https://gw.example.com:5671 "))
                .customEndpointAddress()).contains("https://gw.example.com:5671");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.TRANSPORT_CONFIG, "mqtt")))
                .hasMessageContaining("amqp, amqp-web-sockets");
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.TOPIC_CONFIG, null)))
                .hasMessageContaining(IotHubSourceConfig.TOPIC_CONFIG);
        assertThatThrownBy(() -> new IotHubSourceConfig(with(IotHubSourceConfig.PREFETCH_COUNT_CONFIG, "0")))
                .hasMessageContaining(IotHubSourceConfig.PREFETCH_COUNT_CONFIG);
    }

    @Test
    void aConnectionStringSignInNeedsTheStringAndAHubName() {
        assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, null)))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.CONNECTION_STRING_CONFIG);
        String withoutEntity = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=s;SharedAccessKey=k";
        assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, withoutEntity)))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.EVENTHUB_NAME_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, withoutEntity,
                IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "my-hub"))).isEmpty();
        assertThat(problems(with(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "other-hub")))
                .extracting(ConfigProblem::key, ConfigProblem::message)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(IotHubSourceConfig.EVENTHUB_NAME_CONFIG,
                        "differs from the connection string's EntityPath; clear it, or make the two the same hub"));
        assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, "SharedAccessKey=k;EntityPath=h")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.CONNECTION_STRING_CONFIG);
    }

    @Test
    void anEmulatorConnectionStringWithoutTlsIsForThisMachineUnlessAllowed() {
        String remote = "Endpoint=sb://hub.example.net:5672;SharedAccessKeyName=s;SharedAccessKey=k;EntityPath=h;"
                + "UseDevelopmentEmulator=true";
        assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, remote)))
                .singleElement().satisfies(problem -> {
                    assertThat(problem.key()).isEqualTo(IotHubSourceConfig.CONNECTION_STRING_CONFIG);
                    assertThat(problem.message()).contains("clear text").contains("iothub.allow.plaintext.endpoint=true")
                            .doesNotContain("SharedAccessKey=k");
                });
        assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, remote,
                IotHubSourceConfig.ALLOW_PLAINTEXT_ENDPOINT_CONFIG, "true"))).isEmpty();
        for (String host : List.of("127.0.0.1:5672", "localhost", "[::1]:5672")) {
            assertThat(problems(with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, "Endpoint=sb://" + host
                    + ";SharedAccessKeyName=s;SharedAccessKey=k;EntityPath=h;UseDevelopmentEmulator=true"))).as(host).isEmpty();
        }
    }

    @Test
    void anEntraIdSignInNeedsTheNamespaceTheHubAndForASecretItsThreeParts() {
        Map<String, String> props = with(IotHubSourceConfig.CONNECTION_STRING_CONFIG, null,
                IotHubSourceConfig.AUTH_TYPE_CONFIG, "client-secret");
        assertThat(problems(props)).extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.NAMESPACE_CONFIG,
                IotHubSourceConfig.EVENTHUB_NAME_CONFIG, IotHubSourceConfig.TENANT_ID_CONFIG, IotHubSourceConfig.CLIENT_ID_CONFIG,
                IotHubSourceConfig.CLIENT_SECRET_CONFIG);
        props.put(IotHubSourceConfig.AUTH_TYPE_CONFIG, "managed-identity");
        props.put(IotHubSourceConfig.NAMESPACE_CONFIG, "ns.servicebus.windows.net");
        props.put(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "hub");
        assertThat(problems(props)).isEmpty();
        IotHubSourceConfig config = new IotHubSourceConfig(props);
        assertThat(config.entraIdSettings().kind()).isEqualTo(io.iotconnect.common.azure.EntraIdCredentials.Kind.MANAGED_IDENTITY);
        assertThat(config.eventHubName()).isEqualTo("hub");

        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, CONNECTION_STRING);
        assertThat(problems(props)).extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.CONNECTION_STRING_CONFIG);
    }

    @Test
    void aProxyNeedsWebSocketsAndItsUserAPassword() {
        assertThat(problems(with(IotHubSourceConfig.PROXY_HOST_CONFIG, "proxy.local")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.TRANSPORT_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.PROXY_HOST_CONFIG, "proxy.local", IotHubSourceConfig.TRANSPORT_CONFIG,
                "amqp-web-sockets", IotHubSourceConfig.PROXY_USERNAME_CONFIG, "u")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.PROXY_PASSWORD_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.PROXY_USERNAME_CONFIG, "u", IotHubSourceConfig.PROXY_PASSWORD_CONFIG, "p")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.PROXY_HOST_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.PROXY_HOST_CONFIG, "proxy.local", IotHubSourceConfig.TRANSPORT_CONFIG,
                "AMQP_WEB_SOCKETS"))).isEmpty();
    }

    @Test
    void aPayloadTimestampNeedsAFieldAndJson() {
        assertThat(problems(with(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field", IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG,
                "ts", IotHubSourceConfig.VALUE_FORMAT_CONFIG, "string")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field", IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG,
                "meta.ts"))).isEmpty();
    }

    @Test
    void theErrorTopicMustDifferFromEveryDataTopicAndRetryDelaysMustBeOrdered() {
        assertThat(problems(with(IotHubSourceConfig.ERROR_TOPIC_CONFIG, "telemetry")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.ERROR_TOPIC_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "twinChangeEvents:iothub-errors")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.ERROR_TOPIC_CONFIG);
        assertThat(problems(with(IotHubSourceConfig.RETRY_DELAY_CONFIG, "5000", IotHubSourceConfig.RETRY_MAX_DELAY_CONFIG, "1000")))
                .extracting(ConfigProblem::key).containsExactly(IotHubSourceConfig.RETRY_MAX_DELAY_CONFIG);
    }

    @Test
    void noProblemRepeatsTheConnectionString() {
        assertThat(problems(with(IotHubSourceConfig.EVENTHUB_NAME_CONFIG, "x", IotHubSourceConfig.ERROR_TOPIC_CONFIG, "telemetry")))
                .allSatisfy(problem -> assertThat(problem.message()).doesNotContain("c2VjcmV0"));
    }

    @Test
    void aTaskConfigCarriesItsIndexAndPartitions() {
        Map<String, String> props = IotHubSourceTaskConfig.taskProps(minimal(), 1, List.of("1", "3"));
        IotHubSourceTaskConfig config = new IotHubSourceTaskConfig(props);
        assertThat(config.taskIndex()).isEqualTo(1);
        assertThat(config.partitions()).containsExactly("1", "3");
        assertThat(new IotHubSourceTaskConfig(IotHubSourceTaskConfig.taskProps(minimal(), 0, List.of())).partitions()).isEmpty();
    }
}
