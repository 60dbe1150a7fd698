package io.iotconnect.iothub;

import io.iotconnect.iothub.client.ScriptedEventSource;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.mapping.SourceOffsets;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IotHubSourceConnectorTest {

    private final ScriptedEventSource source = new ScriptedEventSource();
    private final AtomicInteger reconfigurations = new AtomicInteger();
    private final IotHubSourceConnector connector = new IotHubSourceConnector(config -> source);

    private final SourceConnectorContext context = new SourceConnectorContext() {
        @Override
        public OffsetStorageReader offsetStorageReader() {
            return null;
        }

        @Override
        public void requestTaskReconfiguration() {
            reconfigurations.incrementAndGet();
        }

        @Override
        public void raiseError(Exception e) {
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    };

    static Map<String, String> props() {
        Map<String, String> props = new HashMap<>();
        props.put("name", "iothub");
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG,
                "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=s;SharedAccessKey=k;EntityPath=hub");
        props.put(IotHubSourceConfig.TOPIC_CONFIG, "telemetry");
        return props;
    }

    @AfterEach
    void stop() {
        connector.stop();
    }

    @Test
    void dealsThePartitionsFoundAtStartToTasks() {
        source.partitionIds = List.of("3", "0", "2", "1");
        connector.initialize(context);
        connector.start(props());
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).hasSize(3);
        assertThat(tasks).extracting(task -> task.get(IotHubSourceConfig.TASK_PARTITIONS_CONFIG)).containsExactly("0,3", "1", "2");
        assertThat(tasks).extracting(task -> task.get(IotHubSourceConfig.TASK_INDEX_CONFIG)).containsExactly("0", "1", "2");
        assertThat(tasks.get(0)).containsEntry(IotHubSourceConfig.TOPIC_CONFIG, "telemetry");
        assertThat(connector.taskConfigs(8)).hasSize(4);
    }

    @Test
    void asksForReconfigurationWhenThePartitionsChange() throws Exception {
        Map<String, String> props = props();
        props.put(IotHubSourceConfig.PARTITION_CHECK_INTERVAL_CONFIG, "20");
        connector.initialize(context);
        connector.start(props);
        Thread.sleep(100);
        assertThat(reconfigurations).as("nothing changed").hasValue(0);
        source.partitionIds = List.of("0", "1", "2", "3");
        long deadline = System.currentTimeMillis() + 5000;
        while (reconfigurations.get() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(reconfigurations).hasValue(1);
        assertThat(connector.taskConfigs(4)).extracting(task -> task.get(IotHubSourceConfig.TASK_PARTITIONS_CONFIG))
                .containsExactly("0", "1", "2", "3");
        source.lookupFailure = new IllegalStateException("service unavailable");
        Thread.sleep(100);
        assertThat(reconfigurations).as("a failed lookup changes nothing").hasValue(1);
        connector.stop();
        assertThat(source.closed).isTrue();
    }

    @Test
    void aFailedLookupAtStartFailsTheConnectorNamingTheHub() {
        source.lookupFailure = new IllegalStateException("unauthorized");
        connector.initialize(context);
        assertThatThrownBy(() -> connector.start(props())).isInstanceOf(ConnectException.class)
                .hasMessageContaining("event hub 'hub'").hasMessageContaining("unauthorized");
        assertThat(source.closed).isTrue();
    }

    @Test
    void startAndValidateRefuseTheSameConfigsOnTheirKeys() {
        Map<String, String> props = props();
        props.put(IotHubSourceConfig.ERROR_TOPIC_CONFIG, "telemetry");
        assertThatThrownBy(() -> connector.start(props)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(IotHubSourceConfig.ERROR_TOPIC_CONFIG + ": the error topic must differ");
        Config validated = connector.validate(props);
        ConfigValue errorTopic = validated.configValues().stream()
                .filter(value -> value.name().equals(IotHubSourceConfig.ERROR_TOPIC_CONFIG)).findFirst().orElseThrow();
        assertThat(errorTopic.errorMessages()).singleElement().asString().startsWith("the error topic must differ");
        assertThat(validated.configValues()).filteredOn(value -> value.name().equals(IotHubSourceConfig.CONNECTION_STRING_CONFIG))
                .singleElement().satisfies(value -> assertThat(value.errorMessages()).isEmpty());
    }

    @Test
    void validateNamesABadSchemaNameTemplateOrFieldNamesModeOnItsKey() {
        Map<String, String> props = props();
        props.put(IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG, "iot hub.${topic}");
        props.put(IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG, "scrub");
        Map<String, List<String>> errors = new HashMap<>();
        connector.validate(props).configValues().stream().filter(value -> !value.errorMessages().isEmpty())
                .forEach(value -> errors.put(value.name(), value.errorMessages()));
        assertThat(errors.get(IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG)).singleElement().asString()
                .contains("'iot hub.${topic}' cannot make a valid Avro full name").contains("such as io.iotconnect.${topic}");
        assertThat(errors.get(IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG)).singleElement().asString().contains("use one of [keep, avro]");
        props.put(IotHubSourceConfig.JSON_SCHEMA_NAME_CONFIG, "io.iotconnect.${topic}");
        props.put(IotHubSourceConfig.JSON_FIELD_NAMES_CONFIG, "avro");
        assertThat(connector.validate(props).configValues()).allSatisfy(value -> assertThat(value.errorMessages()).as(value.name()).isEmpty());
    }

    @Test
    void supportsExactlyOnce() {
        assertThat(connector.exactlyOnceSupport(props())).isEqualTo(ExactlyOnceSupport.SUPPORTED);
    }

    @Test
    void alterOffsetsAcceptsSequenceNumbersAndResetsOfThisHubAndRefusesTheRest() {
        Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
        offsets.put(SourceOffsets.partition("hub", "0"), Map.of("sequenceNumber", 12));
        offsets.put(SourceOffsets.partition("old-hub", "0"), null);
        assertThat(connector.alterOffsets(props(), offsets)).isTrue();

        assertThatThrownBy(() -> connector.alterOffsets(props(), Map.of(SourceOffsets.partition("other", "0"),
                Map.of("sequenceNumber", 1)))).isInstanceOf(ConnectException.class).hasMessageContaining("this connector reads 'hub'");
        assertThatThrownBy(() -> connector.alterOffsets(props(), Map.of(SourceOffsets.partition("hub", "0"),
                Map.of("offset", "1")))).hasMessageContaining("exactly the key \"sequenceNumber\"");
        assertThatThrownBy(() -> connector.alterOffsets(props(), Map.of(SourceOffsets.partition("hub", "0"),
                Map.of("sequenceNumber", -1)))).hasMessageContaining("whole number from 0");
        Map<String, String> invalid = props();
        invalid.remove(IotHubSourceConfig.TOPIC_CONFIG);
        assertThatThrownBy(() -> connector.alterOffsets(invalid, Map.of())).hasMessageContaining("invalid connector configuration");
    }
}
