package io.iotconnect.mqtt;

import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.mqtt.config.MqttSourceTaskConfig;
import io.iotconnect.mqtt.config.TimestampFormat;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttSourceConnectorTest {

    private static Map<String, String> props(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "mqtt-it");
        props.put("connector.class", MqttSourceConnector.class.getName());
        props.put("mqtt.server.uris", "tcp://127.0.0.1:1883");
        props.put("mqtt.topics", "devices/+/telemetry");
        props.put("mqtt.kafka.topic", "telemetry");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    /** Error messages by key, for the keys that have any. */
    private static Map<String, List<String>> errors(Map<String, String> props) {
        Config config = new MqttSourceConnector().validate(props);
        return config.configValues().stream().filter(v -> !v.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void validConfigHasNoErrors() {
        assertThat(errors(props())).isEmpty();
    }

    @Test
    void credentialsInClearTextAreRefusedBeyondThisMachineUnlessAllowed() {
        Map<String, List<String>> refused = errors(props("mqtt.server.uris", "tcp://broker.example.com:1883,ssl://broker.example.com:8883",
                "mqtt.username", "plant", "mqtt.password", "s3cret"));
        assertThat(refused.get("mqtt.server.uris")).singleElement().asString()
                .isEqualTo("'tcp://broker.example.com:1883' would carry the user name and password in clear text: use ssl:// or "
                        + "wss://, or set mqtt.allow.plaintext.credentials=true inside a network you trust");
        assertThat(errors(props("mqtt.server.uris", "ws://broker.example.com/mqtt", "mqtt.password", "s3cret")))
                .containsKey("mqtt.server.uris");
        assertThat(errors(props("mqtt.server.uris", "tcp://broker.example.com:1883", "mqtt.username", "plant",
                "mqtt.allow.plaintext.credentials", "true"))).isEmpty();
        assertThat(errors(props("mqtt.username", "plant", "mqtt.password", "s3cret"))).as("loopback").isEmpty();
        assertThat(errors(props("mqtt.server.uris", "tcp://broker.example.com:1883", "mqtt.password", ""))).as("no credentials")
                .isEmpty();
    }

    @Test
    void theDeviceInputBoundsAreValidatedOnTheirKeys() {
        assertThat(errors(props("mqtt.timestamp.max.future", "15 minutes")).get("mqtt.timestamp.max.future")).singleElement()
                .asString().contains("is not a duration: write a whole number and a unit (500ms, 30s, 15m, 2h, 6d)");
        assertThat(errors(props("mqtt.timestamp.max.past", "P1D"))).isEmpty();
        assertThat(errors(props("mqtt.timestamp.out.of.range", "drop")).get("mqtt.timestamp.out.of.range")).singleElement()
                .asString().contains("use one of [fallback, error-topic]");
        assertThat(errors(props("mqtt.headers.overflow", "ignore")).get("mqtt.headers.overflow")).singleElement()
                .asString().contains("use one of [truncate, error-topic]");
        assertThat(errors(props("mqtt.kafka.topic.allow.pattern", "telemetry\\.(")).get("mqtt.kafka.topic.allow.pattern"))
                .singleElement().asString().contains("not a valid regular expression");
        assertThat(errors(props("mqtt.kafka.topic.allow.pattern", "plant\\..*")).get("mqtt.kafka.topic.allow.pattern"))
                .singleElement().asString().contains("does not match the connector's own topic 'telemetry'");
        assertThat(errors(props("mqtt.packet.max.bytes", "100000")).get("mqtt.packet.max.bytes")).singleElement().asString()
                .contains("the broker would discard, unseen, messages the connector accepts");
        assertThat(errors(props("mqtt.packet.max.bytes", "100000", "mqtt.version", "3.1.1"))).as("MQTT 3.1.1 has no such field")
                .isEmpty();
    }

    @Test
    void singleKeyErrorsNameTheKeyAndTheFix() {
        assertThat(errors(props("mqtt.server.uris", "mqtt://broker:1883")).get("mqtt.server.uris"))
                .anySatisfy(m -> assertThat(m).contains("must start with tcp://, ssl://, ws:// or wss://"));
        assertThat(errors(props("mqtt.server.uris", "tcp://:1883")).get("mqtt.server.uris"))
                .anySatisfy(m -> assertThat(m).contains("has no host"));
        assertThat(errors(props("mqtt.server.uris", "tcp://127.0.0.1:99999")).get("mqtt.server.uris"))
                .anySatisfy(m -> assertThat(m).contains("has port 99999; a port is a number from 1 to 65535"));
        assertThat(errors(props("mqtt.server.uris", "tcp://127.0.0.1:0")).get("mqtt.server.uris"))
                .anySatisfy(m -> assertThat(m).contains("has port 0"));
        assertThat(errors(props("mqtt.topics", "a/#/b")).get("mqtt.topics"))
                .anySatisfy(m -> assertThat(m).contains("'#' must be a whole level"));
        assertThat(errors(props("mqtt.qos", "3")).get("mqtt.qos")).isNotEmpty();
        assertThat(errors(props("mqtt.kafka.topic", "bad/topic")).get("mqtt.kafka.topic"))
                .anySatisfy(m -> assertThat(m).contains("cannot hold"));
        assertThat(errors(props("mqtt.value.format", "xml")).get("mqtt.value.format"))
                .anySatisfy(m -> assertThat(m).contains("use one of [bytes, string, json]"));
        assertThat(errors(props("mqtt.error.topic", "bad topic")).get("mqtt.error.topic")).isNotEmpty();
        assertThat(errors(props("mqtt.key.topic.level", "0")).get("mqtt.key.topic.level"))
                .anySatisfy(m -> assertThat(m).contains("count topic levels from 1"));
        assertThat(errors(props("mqtt.version", "4")).get("mqtt.version")).isNotEmpty();
        assertThat(errors(props("mqtt.timestamp.format", "epoch")).get("mqtt.timestamp.format"))
                .anySatisfy(m -> assertThat(m).contains("use one of [auto, epoch-millis, epoch-seconds, iso-8601]"));
    }

    @Test
    void avroNamingKeysAreValidatedOnTheirKeyWithTheFix() {
        assertThat(errors(props("mqtt.value.json.field.names", "avro", "mqtt.value.json.schema.name", "io.iotconnect.${topic}"))).isEmpty();
        assertThat(errors(props("mqtt.value.json.schema.name", "io.iotconnect.Reading"))).as("a fixed name").isEmpty();
        assertThat(errors(props("mqtt.value.json.field.names", "ascii")).get("mqtt.value.json.field.names"))
                .anySatisfy(m -> assertThat(m).contains("use one of [keep, avro]"));
        assertThat(errors(props("mqtt.value.json.schema.name", "io-iotconnect.${topic}")).get("mqtt.value.json.schema.name"))
                .anySatisfy(m -> assertThat(m).contains("cannot make a valid Avro full name")
                        .contains("it gives 'io-iotconnect.telemetry'").contains("such as io.iotconnect.${topic}"));
        assertThat(errors(props("mqtt.value.json.schema.name", "io.${device}")).get("mqtt.value.json.schema.name"))
                .anySatisfy(m -> assertThat(m).contains("the only placeholder is ${topic}"));
        MqttSourceConnectorConfig defaults = new MqttSourceConnectorConfig(props());
        assertThat(defaults.jsonSchema().fieldNames()).isEqualTo(io.iotconnect.common.json.JsonSchemaInference.FieldNames.KEEP);
        assertThat(defaults.jsonSchema().schemaName()).isNull();
        assertThat(defaults.jsonSchema().scope()).isEqualTo(io.iotconnect.common.json.JsonSchemaInference.SchemaScope.SHAPE);
    }

    @Test
    void timestampFormatDefaultsToAutoAndKeepsTheFixedFormats() {
        assertThat(new MqttSourceConnectorConfig(props()).timestampFormat()).isEqualTo(TimestampFormat.AUTO);
        for (String format : List.of("auto", "epoch-millis", "epoch-seconds", "iso-8601", "EPOCH_MILLIS")) {
            assertThat(errors(props("mqtt.timestamp.format", format))).as(format).isEmpty();
        }
        assertThat(new MqttSourceConnectorConfig(props("mqtt.timestamp.format", "iso-8601")).timestampFormat())
                .isEqualTo(TimestampFormat.ISO_8601);
    }

    @Test
    void crossKeyErrors() {
        assertThat(errors(props("mqtt.topics", "a/#,a/b")).get("mqtt.topics"))
                .anySatisfy(m -> assertThat(m).contains("'a/#' and 'a/b' overlap"));
        assertThat(errors(props("mqtt.topics", "$share/g/a/#", "mqtt.qos", "0")).get("mqtt.qos"))
                .anySatisfy(m -> assertThat(m).contains("QoS 0 with a shared subscription loses"));
        assertThat(errors(props("mqtt.shared.subscription.group", "g", "mqtt.qos", "0")).get("mqtt.qos")).isNotEmpty();
        assertThat(errors(props("mqtt.session.expiry.interval.seconds", "0")).get("mqtt.session.expiry.interval.seconds"))
                .anySatisfy(m -> assertThat(m).contains("use a positive value"));
        assertThat(errors(props("mqtt.session.expiry.interval.seconds", "0", "mqtt.clean.start", "true"))).isEmpty();
        assertThat(errors(props("mqtt.key.source", "payload-field")).get("mqtt.key.field"))
                .anySatisfy(m -> assertThat(m).contains("needs the field"));
        assertThat(errors(props("mqtt.key.source", "payload-field", "mqtt.key.field", "id", "mqtt.value.format", "bytes"))
                .get("mqtt.key.source")).anySatisfy(m -> assertThat(m).contains("needs mqtt.value.format=json"));
        assertThat(errors(props("mqtt.timestamp.field", "ts", "mqtt.value.format", "string")).get("mqtt.timestamp.field")).isNotEmpty();
        assertThat(errors(props("mqtt.error.topic", "telemetry")).get("mqtt.error.topic"))
                .anySatisfy(m -> assertThat(m).contains("must differ"));
        assertThat(errors(props("mqtt.server.uris", "ssl://127.0.0.1:8883", "mqtt.ssl.truststore.type", "PEM",
                "mqtt.ssl.truststore.location", "/nonexistent/ca.pem")).get("mqtt.ssl.truststore.location"))
                .anySatisfy(m -> assertThat(m).contains("cannot read"));
    }

    @Test
    void startRefusesWhatValidateRefuses() {
        assertThatThrownBy(() -> new MqttSourceConnector().start(props("mqtt.topics", "a/#,a/b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("overlap");
    }

    @Test
    void startNamesEveryProblemOnItsKeyWithoutValues() {
        Map<String, String> props = props("mqtt.topics", "a/#,a/b", "mqtt.server.uris", "ssl://127.0.0.1:8883",
                "mqtt.ssl.keystore.type", "PEM", "mqtt.ssl.keystore.key", "SECRET-KEY-TEXT");
        assertThat(errors(props)).containsOnlyKeys("mqtt.topics", "mqtt.ssl.keystore.certificate.chain");
        assertThatThrownBy(() -> new MqttSourceConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mqtt.topics: filters 'a/#' and 'a/b' overlap")
                .hasMessageContaining("; mqtt.ssl.keystore.certificate.chain: mqtt.ssl.keystore.certificate.chain and "
                        + "mqtt.ssl.keystore.key go together: set both")
                .message().doesNotContain("SECRET-KEY-TEXT");
    }

    @Test
    void taskConfigsSplitFiltersWithStableClientIds() {
        MqttSourceConnector connector = new MqttSourceConnector();
        connector.start(props("mqtt.topics", "a/#,b/#,c/#"));
        List<Map<String, String>> tasks = connector.taskConfigs(2);
        assertThat(tasks).hasSize(2);
        MqttSourceTaskConfig first = new MqttSourceTaskConfig(tasks.get(0));
        MqttSourceTaskConfig second = new MqttSourceTaskConfig(tasks.get(1));
        assertThat(first.clientId()).isEqualTo("mqtt-it-0");
        assertThat(second.clientId()).isEqualTo("mqtt-it-1");
        assertThat(first.taskFilters()).extracting(Object::toString).containsExactly("a/#", "c/#");
        assertThat(second.taskFilters()).extracting(Object::toString).containsExactly("b/#");
        assertThat(connector.taskConfigs(2)).isEqualTo(tasks);
    }

    @Test
    void sharedGroupWrapsFiltersAndRunsEveryTask() {
        MqttSourceConnector connector = new MqttSourceConnector();
        connector.start(props("mqtt.topics", "a/#", "mqtt.shared.subscription.group", "ingest", "mqtt.client.id.prefix", "edge"));
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).hasSize(3);
        for (int i = 0; i < 3; i++) {
            MqttSourceTaskConfig task = new MqttSourceTaskConfig(tasks.get(i));
            assertThat(task.taskFilters()).extracting(Object::toString).containsExactly("$share/ingest/a/#");
            assertThat(task.clientId()).isEqualTo("edge-" + i);
        }
    }

    @Test
    void passwordIsNeverPrinted() {
        MqttSourceConnectorConfig config = new MqttSourceConnectorConfig(props("mqtt.password", "hunter2"));
        assertThat(config.password()).isPresent();
        assertThat(config.toString()).doesNotContain("hunter2");
        assertThat(config.values().toString()).doesNotContain("hunter2");
    }

    @Test
    void versionComesFromTheBuild() {
        assertThat(new MqttSourceConnector().version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }
}
