package io.iotconnect.iothub;

import io.iotconnect.iothub.client.ReadPosition;
import io.iotconnect.iothub.client.ScriptedEventSource;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.config.IotHubSourceTaskConfig;
import io.iotconnect.iothub.config.StartPosition;
import io.iotconnect.iothub.mapping.SourceOffsets;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IotHubSourceTaskTest {

    private final ScriptedEventSource source = new ScriptedEventSource();
    private final IotHubSourceTask task = new IotHubSourceTask(config -> source);
    private final Map<Map<String, ?>, Map<String, Object>> committed = new HashMap<>();

    private final SourceTaskContext context = new SourceTaskContext() {
        @Override
        public Map<String, String> configs() {
            return Map.of();
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new OffsetStorageReader() {
                @Override
                public <T> Map<String, Object> offset(Map<String, T> partition) {
                    return committed.get(partition);
                }

                @Override
                @SuppressWarnings("unchecked")
                public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                    Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
                    partitions.forEach(partition -> found.put(partition, committed.get(partition)));
                    return found;
                }
            };
        }

        @Override
        public PluginMetrics pluginMetrics() {
            return null;
        }
    };

    private static Map<String, String> taskProps(List<String> partitions, String... keysAndValues) {
        Map<String, String> props = IotHubSourceConnectorTest.props();
        props.put(IotHubSourceConfig.RETRY_DELAY_CONFIG, "5");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return IotHubSourceTaskConfig.taskProps(props, 0, partitions);
    }

    @AfterEach
    void stop() {
        task.stop();
    }

    private List<SourceRecord> pollUntil(int count) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 5000;
        while (records.size() < count && System.currentTimeMillis() < deadline) {
            List<SourceRecord> polled = task.poll();
            if (polled != null) {
                records.addAll(polled);
            }
        }
        return records;
    }

    private void awaitReceives(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while ((source.receives.size() < count || source.receives.stream().anyMatch(r -> r.sink == null))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        assertThat(source.receives).hasSize(count);
    }

    @Test
    void resumesAfterTheCommittedSequenceNumberAndStartsTheOthersAtTheStartPosition() throws Exception {
        committed.put(SourceOffsets.partition("hub", "1"), Map.of("sequenceNumber", 41L));
        committed.put(SourceOffsets.partition("hub", "2"), Map.of("sequenceNumber", 7));
        task.initialize(context);
        task.start(taskProps(List.of("0", "1", "2"), IotHubSourceConfig.START_POSITION_CONFIG, "2026-01-02T03:04:05Z"));
        awaitReceives(3);
        assertThat(source.receivesOf("0").get(0).position)
                .isEqualTo(ReadPosition.of(StartPosition.parse("2026-01-02T03:04:05Z")));
        assertThat(source.receivesOf("1").get(0).position).isEqualTo(ReadPosition.after(41));
        assertThat(source.receivesOf("2").get(0).position).isEqualTo(ReadPosition.after(7));
        assertThat(source.receivesOf("0").get(0).position.start().enqueuedAfter()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));
    }

    @Test
    void aCommittedOffsetOfAnotherShapeFailsTheStartWithTheFix() {
        committed.put(SourceOffsets.partition("hub", "0"), Map.of("offset", "120"));
        task.initialize(context);
        assertThatThrownBy(() -> task.start(taskProps(List.of("0")))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("PATCH /connectors/<name>/offsets");
    }

    @Test
    void pollMapsBufferedEventsToRecordsWithOffsetsAndRoutesMalformedOnesToTheErrorTopic() throws Exception {
        task.initialize(context);
        task.start(taskProps(List.of("0")));
        awaitReceives(1);
        assertThat(task.poll()).as("nothing yet").isNull();
        var receive = source.receives.get(0);
        receive.emit(0);
        receive.sink.next(io.iotconnect.iothub.client.TestEvents.telemetry("0", 1, "device", "{oops"));
        receive.emit(2);
        List<SourceRecord> records = pollUntil(3);
        assertThat(records).extracting(SourceRecord::topic).containsExactly("telemetry", "iothub-errors", "telemetry");
        assertThat(records).extracting(SourceRecord::sourceOffset).containsExactly(
                Map.of("sequenceNumber", 0L), Map.of("sequenceNumber", 1L), Map.of("sequenceNumber", 2L));
        assertThat(new String((byte[]) records.get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{oops");
    }

    @Test
    void withFailTheTaskStopsAtAMalformedEvent() throws Exception {
        task.initialize(context);
        task.start(taskProps(List.of("0"), IotHubSourceConfig.ERROR_HANDLING_CONFIG, "fail"));
        awaitReceives(1);
        source.receives.get(0).sink.next(io.iotconnect.iothub.client.TestEvents.telemetry("0", 5, "device", "[1,"));
        assertThatThrownBy(() -> pollUntil(1)).isInstanceOf(ConnectException.class)
                .hasMessageContaining("malformed event 5 of partition 0").hasMessageContaining("iothub.error.handling=fail");
    }

    @Test
    void stopClosesTheSource() throws Exception {
        task.initialize(context);
        task.start(taskProps(List.of("0")));
        awaitReceives(1);
        task.stop();
        assertThat(source.closed).isTrue();
        assertThat(source.receives.get(0).cancelled).isTrue();
    }
}
