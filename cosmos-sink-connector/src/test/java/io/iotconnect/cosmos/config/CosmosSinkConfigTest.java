package io.iotconnect.cosmos.config;

import io.iotconnect.cosmos.CosmosSinkConnector;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CosmosSinkConfigTest {

    private static Map<String, String> props(String... extra) {
        Map<String, String> props = new HashMap<>();
        props.put("cosmos.endpoint", "https://account.documents.azure.com:443/");
        props.put("cosmos.key", "c2VjcmV0");
        props.put("cosmos.database", "iot");
        props.put("cosmos.containers.topic.map", "telemetry#readings, alerts#alerts");
        for (int i = 0; i < extra.length; i += 2) {
            props.put(extra[i], extra[i + 1]);
        }
        return props;
    }

    @Test
    void defaultsAndParsedValues() {
        CosmosSinkConfig config = new CosmosSinkConfig(props());
        assertThat(config.containersByTopic()).containsExactly(Map.entry("telemetry", "readings"), Map.entry("alerts", "alerts"));
        assertThat(config.idStrategy()).isEqualTo(IdStrategy.KAFKA_COORDINATES);
        assertThat(config.writeStrategy()).isEqualTo(WriteStrategy.UPSERT);
        assertThat(config.tombstones()).isEqualTo(TombstoneHandling.DELETE);
        assertThat(config.gatewayMode()).isFalse();
        assertThat(config.retryBudget()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.key().toString()).as("never shown").isEqualTo("[hidden]");
        assertThat(new CosmosSinkConfig(props("cosmos.id.strategy", "kafka_coordinates")).idStrategy()).isEqualTo(IdStrategy.KAFKA_COORDINATES);
    }

    @Test
    void invalidValuesNameTheKeyAndTheFix() {
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.endpoint", "http://account:443/")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cosmos.endpoint").hasMessageContaining("https://");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.topic.map", "telemetry")))
                .hasMessageContaining("'telemetry' is not 'topic#container'");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.topic.map", "a#b,a#c")))
                .hasMessageContaining("topic 'a' is mapped twice");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.partition.key.paths", "deviceId")))
                .hasMessageContaining("'deviceId' is not a document path");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.containers.partition.key.paths", "/a,/b,/c,/d")))
                .hasMessageContaining("two or three for a hierarchical key");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.write.strategy", "merge")))
                .hasMessageContaining("cosmos.write.strategy");
    }

    @Test
    void connectorValidationChecksKeysTogether() {
        Map<String, String> props = props("cosmos.id.strategy", "template", "topics", "telemetry,other");
        props.put("connector.class", CosmosSinkConnector.class.getName());
        Config result = new CosmosSinkConnector().validate(props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        assertThat(errors.get("cosmos.id.template")).singleElement().asString().contains("needs a template");
        assertThat(errors.get("cosmos.containers.topic.map")).singleElement().asString()
                .contains("topic 'other' (in topics) has no container");
    }

    @Test
    void eachAuthenticationNamesWhatItLacks() {
        Map<String, String> noKey = props();
        noKey.remove("cosmos.key");
        assertThat(new CosmosSinkConfig(noKey).authProblem().orElseThrow().key()).isEqualTo("cosmos.key");
        assertThat(new CosmosSinkConfig(props()).authProblem()).isEmpty();

        Map<String, String> principal = props("cosmos.auth.type", "client-secret", "cosmos.auth.tenant.id", "t");
        principal.remove("cosmos.key");
        assertThat(new CosmosSinkConfig(principal).authProblem().orElseThrow().key()).isEqualTo("cosmos.auth.client.id");
        principal.put("cosmos.auth.client.id", "c");
        assertThat(new CosmosSinkConfig(principal).authProblem().orElseThrow().message()).contains("needs the service principal's secret");
        principal.put("cosmos.auth.client.secret", "s");
        CosmosSinkConfig config = new CosmosSinkConfig(principal);
        assertThat(config.authProblem()).isEmpty();
        assertThat(config.authType()).isEqualTo(AuthType.CLIENT_SECRET);
        assertThat(config.clientSecret().toString()).isEqualTo("[hidden]");

        Map<String, String> managed = props("cosmos.auth.type", "managed-identity");
        managed.remove("cosmos.key");
        assertThat(new CosmosSinkConfig(managed).authProblem()).as("system-assigned needs nothing").isEmpty();
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.auth.authority.host", "login.microsoftonline.us")))
                .hasMessageContaining("cosmos.auth.authority.host").hasMessageContaining("https://");
    }

    @Test
    void patchFieldsParseAndBadOnesNameTheFix() {
        CosmosSinkConfig config = new CosmosSinkConfig(props("cosmos.write.strategy", "patch",
                "cosmos.patch.fields", "count:increment, site.room:set,alerts:append,firmware:ignore"));
        assertThat(config.writeStrategy()).isEqualTo(WriteStrategy.PATCH);
        assertThat(config.patchDefaultOperation()).isEqualTo(PatchOperation.SET);
        assertThat(config.patchCreatesMissing()).isTrue();
        assertThat(config.patchFields()).containsExactly(Map.entry("count", PatchOperation.INCREMENT),
                Map.entry("site.room", PatchOperation.SET), Map.entry("alerts", PatchOperation.APPEND),
                Map.entry("firmware", PatchOperation.IGNORE));
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.patch.fields", "count")))
                .hasMessageContaining("'count' is not 'field:operation'");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.patch.fields", "count:double")))
                .hasMessageContaining("'double' in 'count:double' is not an operation; use one of [set, replace, increment, append, ignore]");
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.patch.fields", "a:set,a:increment")))
                .hasMessageContaining("field 'a' has two operations");
    }

    @Test
    void stateStrategiesNeedIdsThatRecordsShare() {
        Map<String, String> props = props("cosmos.write.strategy", "patch", "topics", "telemetry");
        props.put("connector.class", CosmosSinkConnector.class.getName());
        Map<String, List<String>> errors = errors(new CosmosSinkConnector().validate(props));
        assertThat(errors.get("cosmos.id.strategy")).singleElement().asString()
                .contains("cosmos.write.strategy=patch updates a stored document").contains("use cosmos.id.strategy=key");
        props.put("cosmos.id.strategy", "key");
        assertThat(errors(new CosmosSinkConnector().validate(props))).isEmpty();
        props.put("cosmos.auth.type", "client-secret");
        assertThat(errors(new CosmosSinkConnector().validate(props))).containsOnlyKeys("cosmos.auth.tenant.id");
    }

    @Test
    void startRefusesWhatValidationRefuses() {
        Map<String, String> props = props("cosmos.write.strategy", "upsert-if-newer", "topics", "telemetry");
        assertThatThrownBy(() -> new CosmosSinkConnector().start(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cosmos.id.strategy: cosmos.write.strategy=upsert-if-newer");
    }

    @Test
    void startNamesEveryProblemOnItsKeyWithoutValues() {
        Map<String, String> props = props("cosmos.auth.type", "client-secret", "cosmos.auth.client.secret", "SECRET-VALUE",
                "cosmos.auth.client.id", "c", "cosmos.id.strategy", "template", "topics", "telemetry,other");
        assertThatThrownBy(() -> new CosmosSinkConnector().start(props))
                .isInstanceOf(ConfigException.class)
                .hasMessage("cosmos.auth.tenant.id: cosmos.auth.type=client-secret needs the tenant id of the service principal; "
                        + "cosmos.id.template: cosmos.id.strategy=template needs a template, like ${value.deviceId}-${value.ts}; "
                        + "cosmos.containers.topic.map: topic 'other' (in topics) has no container; add other#<container>")
                .message().doesNotContain("SECRET-VALUE").doesNotContain("c2VjcmV0");
    }

    /** What config/validate says about each key, for the connector with these id settings. */
    private static Map<String, List<String>> validateIds(String... idSettings) {
        Map<String, String> props = props(idSettings);
        props.put("topics", "telemetry");
        props.put("connector.class", CosmosSinkConnector.class.getName());
        return errors(new CosmosSinkConnector().validate(props));
    }

    @Test
    void idTemplatesThatAreNotClosedOrNameNoVariableFailValidationOnTheirKey() {
        assertThat(validateIds("cosmos.id.strategy", "template", "cosmos.id.template", "${deviceId-${ts"))
                .containsOnlyKeys("cosmos.id.template")
                .extractingByKey("cosmos.id.template").asList().singleElement().asString()
                .contains("'${' at position 0 is not closed by '}'").contains("like ${value.deviceId}-${value.ts}");
        assertThat(validateIds("cosmos.id.strategy", "template", "cosmos.id.template", "${nosuchvar}"))
                .containsOnlyKeys("cosmos.id.template")
                .extractingByKey("cosmos.id.template").asList().singleElement().asString()
                .contains("${nosuchvar} is not a variable").contains("${topic}, ${partition}, ${offset}, ${key}")
                .contains("a value field as ${value.nosuchvar}");
        assertThat(validateIds("cosmos.id.template", "a-${value.}")).extractingByKey("cosmos.id.template").asList()
                .singleElement().asString().contains("${value.} names no value field");
        assertThat(validateIds("cosmos.id.strategy", "template", "cosmos.id.template", "${value.site.id}-${key}/${topic}"))
                .as("a template of known variables").isEmpty();
    }

    @Test
    void startRefusesTheTemplatesValidationRefusesWithTheSameMessage() {
        Map<String, String> props = props("cosmos.id.strategy", "template", "cosmos.id.template", "${nosuchvar}",
                "topics", "telemetry");
        String validation = validateIds("cosmos.id.strategy", "template", "cosmos.id.template", "${nosuchvar}")
                .get("cosmos.id.template").get(0);
        assertThatThrownBy(() -> new CosmosSinkConnector().start(props))
                .isInstanceOf(ConfigException.class).hasMessageContaining(validation);
        assertThatThrownBy(() -> new CosmosSinkConfig(props)).as("as a task's start() parses it")
                .isInstanceOf(ConfigException.class).hasMessageContaining(validation);
    }

    @Test
    void idAndNewerFieldsMustBeFieldPaths() {
        assertThat(validateIds("cosmos.id.strategy", "field", "cosmos.id.field", "reading..id"))
                .extractingByKey("cosmos.id.field").asList().singleElement().asString().contains("has an empty segment");
        assertThat(validateIds("cosmos.write.newer.field", ".ts")).extractingByKey("cosmos.write.newer.field").asList()
                .singleElement().asString().contains("has an empty segment");
        assertThat(validateIds("cosmos.id.strategy", "field", "cosmos.id.field", "reading.id")).isEmpty();
        assertThat(validateIds("cosmos.id.strategy", "field", "cosmos.id.field", " ")).extractingByKey("cosmos.id.field")
                .asList().singleElement().asString().contains("needs the field holding the id");
    }

    @Test
    void theRetryBudgetMayBeSpentAFewTimesInARow() {
        assertThat(new CosmosSinkConfig(props()).retryBudgetExhaustedMax()).isEqualTo(3);
        assertThat(new CosmosSinkConfig(props("cosmos.retry.budget.exhausted.max", "1")).retryBudgetExhaustedMax()).isEqualTo(1);
        assertThatThrownBy(() -> new CosmosSinkConfig(props("cosmos.retry.budget.exhausted.max", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cosmos.retry.budget.exhausted.max");
    }

    private static Map<String, List<String>> errors(Config result) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue value : result.configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }
}
