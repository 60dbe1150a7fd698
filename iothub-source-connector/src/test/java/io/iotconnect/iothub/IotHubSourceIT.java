package io.iotconnect.iothub;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.mapping.SourceOffsets;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.EventHubsEndpoint;
import io.iotconnect.testing.EventHubsEndpoint.Event;
import io.iotconnect.testing.PluginMetricsJmx;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.Disposable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The IoT Hub source on a real 2-worker Connect cluster, reading with the real {@code azure-messaging-eventhubs} SDK
 * from the in-repo AMQP endpoint: what arrives in Kafka, with which keys and headers, through detached links and
 * closed connections, from each start position, after an offset rewind over REST, and from a partition added while
 * it runs; and how it ends when another reader with a higher owner level keeps taking its partition.
 */
class IotHubSourceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    private static EventHubsEndpoint endpoint;
    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startServers() {
        endpoint = servers.add(EventHubsEndpoint.start());
        connect = servers.connect("iothub-source-it", 2);
    }

    private static Map<String, String> connectorProps(String hub, String topic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", IotHubSourceConnector.class.getName());
        props.put("tasks.max", "1");
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, endpoint.connectionString(hub));
        props.put(IotHubSourceConfig.TOPIC_CONFIG, topic);
        props.put(IotHubSourceConfig.RETRY_DELAY_CONFIG, "100");
        props.put(IotHubSourceConfig.RETRY_MAX_DELAY_CONFIG, "1000");
        props.put(IotHubSourceConfig.RETRY_TRY_TIMEOUT_CONFIG, "5000");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "3");
        return props;
    }

    private static void startConnector(String name, Map<String, String> props, int tasks) throws InterruptedException {
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "connector " + name + " did not start");
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** partition/sequence number of a record, from its headers. */
    private static String position(ConsumerRecord<byte[], byte[]> record) {
        return header(record, "iothub.partition") + "/" + header(record, "iothub.sequence.number");
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAtLeast(String topic, int count) {
        return TopicReader.readUntil(connect.kafka(), topic, records -> records.size() >= count, TIMEOUT);
    }

    private static Event[] telemetry(String device, int from, int count) {
        return IntStream.range(from, from + count)
                .mapToObj(i -> Event.telemetry(device, "{\"device\":\"" + device + "\",\"n\":" + i + "}").property("n", (long) i))
                .toArray(Event[]::new);
    }

    private static void publishToDevices(String hub, int devices, int from, int count) {
        for (int d = 0; d < devices; d++) {
            endpoint.publishToDevicePartition(hub, "device-" + d, telemetry("device-" + d, from, count));
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /**
     * What a device decides about its own record costs that record at most: a reading time hours ahead (the broker,
     * at Kafka's default log.message.timestamp.after.max.ms of one hour, refuses such a record, failing the task on
     * every restart from the same offset), one stamped in the year 9999, and an event with more than a megabyte of
     * application properties. Each is routed with its reason or cut with a flag, and the task stays RUNNING.
     */
    @Test
    void aDeviceClockOrAFloodOfPropertiesCostsOnlyItsOwnRecord() throws Exception {
        endpoint.createHub("device-input", 1);
        Map<String, String> props = connectorProps("device-input", "hub-input");
        props.put(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field");
        props.put(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts");
        props.put(IotHubSourceConfig.ERROR_TOPIC_CONFIG, "hub-input-errors");
        props.put(IotHubSourceConfig.START_POSITION_CONFIG, "earliest");
        long now = System.currentTimeMillis();
        Event flood = Event.telemetry("flood", "{\"temperature\":21.5}");
        for (int i = 0; i < 1000; i++) {
            flood.property("p" + i, "x".repeat(1200));
        }
        endpoint.publishToDevicePartition("device-input", "ahead",
                Event.telemetry("ahead", "{\"ts\":" + (now + 2 * 3_600_000L) + ",\"temperature\":21.5}"),
                Event.telemetry("year9999", "{\"ts\":\"9999-12-31T23:59:59Z\",\"temperature\":21.5}"),
                flood,
                Event.telemetry("good", "{\"ts\":" + (now - 1000) + ",\"temperature\":20.0}"));
        startConnector("device-input", props, 1);

        Map<String, ConsumerRecord<byte[], byte[]>> errors = readAtLeast("hub-input-errors", 2).stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
        assertThat(errors.keySet()).containsExactlyInAnyOrder("ahead", "year9999");
        assertThat(header(errors.get("ahead"), "iothub.error.stage")).isEqualTo("timestamp");
        assertThat(header(errors.get("ahead"), "iothub.error.reason")).contains("ahead of the connector's clock")
                .contains("iothub.timestamp.max.future=15m");
        assertThat(header(errors.get("year9999"), "iothub.error.reason")).contains("device time 9999-12-31T23:59:59Z");

        Map<String, ConsumerRecord<byte[], byte[]>> readings = readAtLeast("hub-input", 2).stream()
                .collect(Collectors.toMap(r -> new String(r.key(), StandardCharsets.UTF_8), r -> r));
        assertThat(readings.keySet()).containsExactlyInAnyOrder("flood", "good");
        assertThat(header(readings.get("flood"), "iothub.headers.truncated")).isEqualTo(Integer.toString(1000 - 13));
        assertThat(readings.get("good").timestamp()).isEqualTo(now - 1000);
        assertThat(connect.connectorStatus("device-input").tasks()).allMatch(t -> t.state().equals("RUNNING"));
        connect.deleteConnector("device-input");
    }

    @Test
    void everyEventArrivesOnceWithKeyAndHeadersThroughDetachedLinksAndClosedConnections() throws Exception {
        endpoint.createHub("fleet", 4);
        Map<String, String> props = connectorProps("fleet", "fleet-telemetry");
        props.put("tasks.max", "2");
        props.put(IotHubSourceConfig.TOPIC_BY_SOURCE_CONFIG, "twinChangeEvents:fleet-twins");
        props.put(IotHubSourceConfig.ERROR_TOPIC_CONFIG, "fleet-errors");
        publishToDevices("fleet", 8, 0, 25);
        endpoint.publishToDevicePartition("fleet", "device-0",
                Event.of("{\"reported\":{\"fw\":\"1.2\"}}").deviceId("device-0").messageSource(EventHubsEndpoint.TWIN_CHANGE_EVENTS),
                Event.telemetry("device-0", "{not json").messageId("bad-1"));
        Instant published = Instant.now();
        startConnector("fleet", props, 2);

        List<ConsumerRecord<byte[], byte[]>> first = readAtLeast("fleet-telemetry", 200);
        assertThat(first).hasSize(200);

        long receivers = endpoint.receiversAttached();
        assertThat(endpoint.detachReceivers("fleet", null, EventHubsEndpoint.LinkError.DETACH_FORCED)).isEqualTo(4);
        publishToDevices("fleet", 8, 25, 25);
        await("the receivers to reattach after the detach", () -> endpoint.receiversAttached() >= receivers + 4);
        readAtLeast("fleet-telemetry", 400);

        long connections = endpoint.connectionsOpened();
        assertThat(endpoint.closeConnections()).isPositive();
        publishToDevices("fleet", 8, 50, 25);
        await("new connections after the close", () -> endpoint.connectionsOpened() > connections);
        List<ConsumerRecord<byte[], byte[]>> all = readAtLeast("fleet-telemetry", 600);
        // Nothing more arrives later: no event is read twice.
        Thread.sleep(2_000);
        all = TopicReader.readUntil(connect.kafka(), "fleet-telemetry", records -> records.size() > 600, Duration.ofSeconds(2));

        assertThat(all).hasSize(600);
        assertThat(all.stream().map(IotHubSourceIT::position).collect(Collectors.toSet())).hasSize(600);
        Map<String, Set<String>> bodiesByDevice = all.stream().collect(Collectors.groupingBy(
                record -> new String(record.key(), StandardCharsets.UTF_8),
                Collectors.mapping(record -> new String(record.value(), StandardCharsets.UTF_8), Collectors.toSet())));
        assertThat(bodiesByDevice).hasSize(8);
        assertThat(bodiesByDevice.values()).allSatisfy(bodies -> assertThat(bodies).hasSize(75));

        ConsumerRecord<byte[], byte[]> record = all.stream()
                .filter(r -> "device-3".equals(new String(r.key(), StandardCharsets.UTF_8)) && "7".equals(header(r, "iothub.property.n")))
                .findFirst().orElseThrow();
        assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"device\":\"device-3\",\"n\":7}");
        assertThat(header(record, "iothub.partition")).isEqualTo(endpoint.partitionFor("fleet", "device-3"));
        assertThat(header(record, "iothub.connection.device.id")).isEqualTo("device-3");
        assertThat(header(record, "iothub.message.source")).isEqualTo("Telemetry");
        assertThat(header(record, "iothub.content.type")).isEqualTo("application/json");
        assertThat(header(record, "iothub.content.encoding")).isEqualTo("utf-8");
        assertThat(header(record, "iothub.connection.auth.method")).contains("\"type\":\"sas\"");
        assertThat(header(record, "iothub.offset")).isNotNull();
        long enqueued = Long.parseLong(header(record, "iothub.enqueued.time"));
        assertThat(record.timestamp()).as("record time = enqueued time").isEqualTo(enqueued);
        assertThat(Instant.ofEpochMilli(enqueued)).isBefore(published.plusSeconds(1));
        // Every device's events keep their order within their partition.
        List<Long> device3 = all.stream().filter(r -> "device-3".equals(new String(r.key(), StandardCharsets.UTF_8)))
                .map(r -> Long.parseLong(header(r, "iothub.property.n"))).toList();
        assertThat(device3).isSorted();

        List<ConsumerRecord<byte[], byte[]>> twins = readAtLeast("fleet-twins", 1);
        assertThat(twins).hasSize(1);
        assertThat(header(twins.get(0), "iothub.message.source")).isEqualTo("twinChangeEvents");
        List<ConsumerRecord<byte[], byte[]>> errors = readAtLeast("fleet-errors", 1);
        assertThat(errors).hasSize(1);
        ConsumerRecord<byte[], byte[]> error = errors.get(0);
        assertThat(new String(error.key(), StandardCharsets.UTF_8)).isEqualTo("device-0");
        assertThat(header(error, "iothub.error.reason")).startsWith("invalid JSON");
        assertThat(header(error, "iothub.error.stage")).isEqualTo("value");
        assertThat(header(error, "iothub.message.id")).isEqualTo("bad-1");
        assertThat(header(error, "iothub.sequence.number")).isNotNull();

        ConnectorOffsets offsets = connect.connectorOffsets("fleet");
        assertThat(offsets.offsets()).extracting(ConnectorOffset::partition).allSatisfy(partition ->
                assertThat(partition.keySet()).containsExactlyInAnyOrder("eventhub", "partition"));
        connect.deleteConnector("fleet");
    }

    @Test
    void partitionsWithoutOffsetsStartAtEarliestLatestOrAnEnqueuedTime() throws Exception {
        endpoint.createHub("positions", 1);
        endpoint.publish("positions", "0", Event.of("{\"n\":\"old-0\"}"), Event.of("{\"n\":\"old-1\"}"));
        Thread.sleep(20);
        Instant cut = Instant.now();
        Thread.sleep(20);
        endpoint.publish("positions", "0", Event.of("{\"n\":\"mid-0\"}"));

        Map<String, String> earliest = connectorProps("positions", "positions-earliest");
        Map<String, String> latest = connectorProps("positions", "positions-latest");
        latest.put(IotHubSourceConfig.START_POSITION_CONFIG, "latest");
        Map<String, String> enqueued = connectorProps("positions", "positions-enqueued");
        enqueued.put(IotHubSourceConfig.START_POSITION_CONFIG, cut.toString());
        long receivers = endpoint.receiversAttached();
        startConnector("positions-earliest", earliest, 1);
        startConnector("positions-latest", latest, 1);
        startConnector("positions-enqueued", enqueued, 1);
        await("three receivers", () -> endpoint.receiversAttached() >= receivers + 3);
        endpoint.publish("positions", "0", Event.of("{\"n\":\"new-0\"}"));

        assertThat(values(readAtLeast("positions-earliest", 4))).containsExactly("old-0", "old-1", "mid-0", "new-0");
        assertThat(values(readAtLeast("positions-enqueued", 2))).containsExactly("mid-0", "new-0");
        assertThat(values(readAtLeast("positions-latest", 1))).containsExactly("new-0");
        for (String name : List.of("positions-earliest", "positions-latest", "positions-enqueued")) {
            connect.deleteConnector(name);
        }
    }

    private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8).replaceAll("\\{\"n\":\"(.*)\"}", "$1")).toList();
    }

    @Test
    void offsetsAlteredOverRestRewindAPartitionAndBadOnesAreRefused() throws Exception {
        endpoint.createHub("rewind", 2);
        endpoint.publish("rewind", "1", IntStream.range(0, 10).mapToObj(i -> Event.of("{\"n\":\"e" + i + "\"}")).toArray(Event[]::new));
        startConnector("rewind", connectorProps("rewind", "rewind-events"), 1);
        assertThat(readAtLeast("rewind-events", 10)).hasSize(10);
        await("the committed offset of partition 1, as GET /offsets shows it", () -> connect.connectorOffsets("rewind").offsets()
                .stream().anyMatch(offset -> "1".equals(offset.partition().get("partition")) && offset.offset() != null
                        && ((Number) offset.offset().get("sequenceNumber")).longValue() == 9));

        connect.stopConnector("rewind");
        connect.assertions().assertConnectorIsStopped("rewind", "connector rewind did not stop");
        assertThatThrownBy(() -> connect.alterConnectorOffsets("rewind", new ConnectorOffsets(List.of(new ConnectorOffset(
                SourceOffsets.partition("rewind", "1"), Map.of("sequenceNumber", -3))))))
                .hasMessageContaining("must be a whole number from 0");
        assertThatThrownBy(() -> connect.alterConnectorOffsets("rewind", new ConnectorOffsets(List.of(new ConnectorOffset(
                SourceOffsets.partition("other-hub", "1"), Map.of("sequenceNumber", 3))))))
                .hasMessageContaining("this connector reads 'rewind'");
        // Written in the other key order: Connect normalizes it to the order the records use.
        Map<String, String> reversed = new LinkedHashMap<>();
        reversed.put("eventhub", "rewind");
        reversed.put("partition", "1");
        connect.alterConnectorOffsets("rewind", new ConnectorOffsets(List.of(new ConnectorOffset(reversed, Map.of("sequenceNumber", 6)))));
        assertThat(connect.connectorOffsets("rewind").offsets()).filteredOn(offset -> "1".equals(offset.partition().get("partition")))
                .singleElement().satisfies(offset -> assertThat(((Number) offset.offset().get("sequenceNumber")).longValue()).isEqualTo(6L));
        connect.resumeConnector("rewind");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("rewind", 1, "connector rewind did not resume");

        List<ConsumerRecord<byte[], byte[]>> records = readAtLeast("rewind-events", 13);
        assertThat(values(records).subList(10, 13)).containsExactly("e7", "e8", "e9");

        connect.stopConnector("rewind");
        connect.assertions().assertConnectorIsStopped("rewind", "connector rewind did not stop");
        connect.resetConnectorOffsets("rewind");
        connect.resumeConnector("rewind");
        assertThat(values(readAtLeast("rewind-events", 23)).subList(13, 23)).as("a reset starts at earliest again")
                .containsExactly(IntStream.range(0, 10).mapToObj(i -> "e" + i).toArray(String[]::new));
        connect.deleteConnector("rewind");
    }

    /**
     * Events the hub's retention deleted while the connector was stopped: with the default 'log' the gap is named and
     * counted and reading goes on from the first event left; with 'fail' the task stops, naming the range.
     */
    @Test
    void eventsRetentionDeletedWhileStoppedAreNamedAndCountedOrFailTheTask() throws Exception {
        for (String handling : List.of("log", "fail")) {
            String hub = "retention-" + handling;
            endpoint.createHub(hub, 1);
            endpoint.publish(hub, "0", IntStream.range(0, 10).mapToObj(i -> Event.of("{\"n\":\"e" + i + "\"}")).toArray(Event[]::new));
            Map<String, String> props = connectorProps(hub, hub + "-events");
            props.put(IotHubSourceConfig.SEQUENCE_GAP_HANDLING_CONFIG, handling);
            startConnector(hub, props, 1);
            assertThat(readAtLeast(hub + "-events", 10)).hasSize(10);
            await("the committed offset of " + hub, () -> connect.connectorOffsets(hub).offsets().stream()
                    .anyMatch(offset -> offset.offset() != null && ((Number) offset.offset().get("sequenceNumber")).longValue() == 9));
            connect.stopConnector(hub);
            connect.assertions().assertConnectorIsStopped(hub, "connector " + hub + " did not stop");

            endpoint.publish(hub, "0", IntStream.range(10, 20).mapToObj(i -> Event.of("{\"n\":\"e" + i + "\"}")).toArray(Event[]::new));
            endpoint.expireBefore(hub, "0", 15);
            connect.resumeConnector(hub);
            if (handling.equals("log")) {
                connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(hub, 1, "connector " + hub + " did not resume");
                assertThat(values(readAtLeast(hub + "-events", 15)).subList(10, 15)).as("from the first event left")
                        .containsExactly("e15", "e16", "e17", "e18", "e19");
                await("the gap counted", () -> {
                    try {
                        return PluginMetricsJmx.total(hub, "sequence-gap-events-total") == 5.0
                                && PluginMetricsJmx.total(hub, "sequence-gaps-total") == 1.0;
                    } catch (Exception e) {
                        return false;
                    }
                });
            } else {
                connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(hub, 1, "the task should fail on the gap");
                assertThat(connect.connectorStatus(hub).tasks().get(0).trace())
                        .contains("went from sequence number 9 to 15: the 5 event(s) 10 to 14 were never read")
                        .contains("iothub.sequence.gap.handling=fail");
                assertThat(readAtLeast(hub + "-events", 10)).as("nothing after the gap was written").hasSize(10);
            }
            connect.deleteConnector(hub);
        }
    }

    @Test
    void aPartitionAddedWhileRunningIsReassignedAndRead() throws Exception {
        endpoint.createHub("growing", 2);
        Map<String, String> props = connectorProps("growing", "growing-events");
        props.put("tasks.max", "4");
        props.put(IotHubSourceConfig.PARTITION_CHECK_INTERVAL_CONFIG, "500");
        startConnector("growing", props, 2);
        endpoint.publish("growing", "1", Event.of("{\"n\":\"p1\"}"));
        assertThat(readAtLeast("growing-events", 1)).hasSize(1);

        endpoint.addPartitions("growing", 2);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("growing", 4, "the connector did not take the new partitions");
        endpoint.publish("growing", "3", Event.of("{\"n\":\"p3\"}"));
        endpoint.publish("growing", "1", Event.of("{\"n\":\"p1-again\"}"));
        List<ConsumerRecord<byte[], byte[]>> records = readAtLeast("growing-events", 3);
        assertThat(values(records)).containsExactlyInAnyOrder("p1", "p3", "p1-again");
        Set<String> partitions = new HashSet<>();
        records.forEach(record -> partitions.add(header(record, "iothub.partition")));
        assertThat(partitions).containsExactlyInAnyOrder("1", "3");
        connect.deleteConnector("growing");
    }

    @Test
    void aReaderWithAHigherOwnerLevelTakesThePartitionAndTheTaskNamesTheConsumerGroup() throws Exception {
        endpoint.createHub("owned", 1);
        endpoint.publish("owned", "0", telemetry("device-0", 0, 5));
        Map<String, String> props = connectorProps("owned", "owned-telemetry");
        props.put(IotHubSourceConfig.OWNER_LEVEL_CONFIG, "1");
        props.put(IotHubSourceConfig.RECEIVE_MAX_FAILURES_CONFIG, "3");
        startConnector("owned", props, 1);
        readAtLeast("owned-telemetry", 5);

        // Another application on the same consumer group reads as the partition's owner at a higher level.
        EventHubConsumerAsyncClient rival = new EventHubClientBuilder().connectionString(endpoint.connectionString("owned"))
                .consumerGroup(IotHubSourceConfig.CONSUMER_GROUP_DEFAULT).buildAsyncConsumerClient();
        Disposable reading = rival.receiveFromPartition("0", EventPosition.latest(), new ReceiveOptions().setOwnerLevel(7L))
                .subscribe(event -> { }, error -> { });
        try {
            connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("owned", 1,
                    "the task did not fail after the partition was taken again and again");
            String trace = connect.connectorStatus("owned").tasks().get(0).trace();
            assertThat(trace).contains("partition 0 of owned was taken by another reader with a higher owner level on "
                    + "consumer group '$Default' (3 time(s) in a row)").contains("give this connector a consumer group of its own");
        } finally {
            reading.dispose();
            rival.close();
            connect.deleteConnector("owned");
        }
    }
}
