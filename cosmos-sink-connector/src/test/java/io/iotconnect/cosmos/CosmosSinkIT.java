package io.iotconnect.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.CosmosDbServer;
import io.iotconnect.testing.CosmosFaultProxy;
import io.iotconnect.testing.PluginMetricsJmx;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The Cosmos DB sink on a real Connect cluster writing to a real local Cosmos DB server (npm @vercel/cosmosdb-server). */
class CosmosSinkIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int DEVICES = 10;

    private static CosmosDbServer cosmos;
    private static EmbeddedConnectCluster connect;
    private static CosmosAsyncClient client;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        cosmos = servers.add(CosmosDbServer.start());
        connect = servers.connect("cosmos-it", 2);
        client = servers.add(new CosmosClientBuilder().endpoint(cosmos.endpoint()).key(CosmosDbServer.KEY).gatewayMode().buildAsyncClient());
    }

    private static Map<String, String> sinkProps(String topic, String database, String container) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", CosmosSinkConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put("cosmos.endpoint", cosmos.endpoint());
        props.put("cosmos.key", CosmosDbServer.KEY);
        props.put("cosmos.connection.mode", "gateway");
        props.put("cosmos.database", database);
        props.put("cosmos.containers.topic.map", topic + "#" + container);
        props.put("cosmos.containers.create", "true");
        props.put("cosmos.containers.partition.key.paths", "/deviceId");
        return props;
    }

    /** Tolerate failed records and send them to a dead letter queue with the error context headers. */
    private static void withDeadLetterQueue(Map<String, String> props, String topic) {
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", topic);
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
    }

    private static String reading(int seq, int device) {
        return "{\"seq\":" + seq + ",\"deviceId\":\"dev-" + device + "\",\"ts\":" + (1_795_000_000_000L + seq * 1000L)
                + ",\"temperature\":" + (20 + seq % 7) + ".5}";
    }

    /** Every document of the container, read per device partition (the local server has no query engine). */
    private static List<ObjectNode> documents(String database, String container) {
        CosmosAsyncContainer target = client.getDatabase(database).getContainer(container);
        List<ObjectNode> documents = new ArrayList<>();
        for (int device = 0; device < DEVICES; device++) {
            List<ObjectNode> page = target.readAllItems(new PartitionKey("dev-" + device), ObjectNode.class).collectList().block();
            if (page != null) {
                documents.addAll(page);
            }
        }
        return documents;
    }

    /** documents-written-total summed over the connector's tasks. */
    private static double documentsWritten(String connector) {
        try {
            return PluginMetricsJmx.total(connector, "documents-written-total");
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the metrics of " + connector, e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    @Test
    void everyRecordBecomesOneDocumentAndAReplayAddsNone() throws Exception {
        connect.kafka().createTopic("readings", 3);
        int records = 600;
        for (int seq = 0; seq < records; seq++) {
            connect.kafka().produce("readings", "dev-" + (seq % DEVICES), reading(seq, seq % DEVICES));
        }
        connect.configureConnector("readings-sink", sinkProps("readings", "iot", "readings"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("readings-sink", 2, "sink did not start");
        await("600 documents are written", () -> documents("iot", "readings").size() >= records);

        List<ObjectNode> written = documents("iot", "readings");
        assertThat(written).hasSize(records);
        assertThat(written).allSatisfy(doc -> {
            assertThat(doc.get("id").asText()).matches("readings-[0-2]-[0-9]+");
            assertThat(doc.get("deviceId").asText()).startsWith("dev-");
        });
        assertThat(written.stream().map(doc -> doc.get("seq").asInt()).distinct().count()).isEqualTo(records);
        // Summed over the tasks, the metric counts every record once (more only if a rebalance at start replayed some).
        await("the tasks' metrics count 600 documents",
                () -> documentsWritten("readings-sink") >= records);
        assertThat(documentsWritten("readings-sink")).isLessThan(2.0 * records);

        // Replay everything from the start, with a worker restart on the way: ids are Kafka coordinates, so the same
        // documents are overwritten and none is added.
        connect.stopConnector("readings-sink");
        connect.assertions().assertConnectorIsStopped("readings-sink", "sink did not stop");
        connect.resetConnectorOffsets("readings-sink");
        connect.resumeConnector("readings-sink");
        connect.removeWorker(connect.workers().iterator().next());
        connect.addWorker();
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("readings-sink", 2, "sink did not resume");
        for (int seq = records; seq < records + 100; seq++) {
            connect.kafka().produce("readings", "dev-" + (seq % DEVICES), reading(seq, seq % DEVICES));
        }
        await("the 100 new readings are written", () -> documents("iot", "readings").size() >= records + 100);
        TimeUnit.SECONDS.sleep(3);
        List<ObjectNode> afterReplay = documents("iot", "readings");
        assertThat(afterReplay).as("one document per record after the replay").hasSize(records + 100);
        connect.deleteConnector("readings-sink");
    }

    @Test
    void keyIdsKeepOneLiveDocumentPerDeviceAndTombstonesDeleteIt() throws Exception {
        connect.kafka().createTopic("device-state", 2);
        Map<String, String> props = sinkProps("device-state", "iot", "devices");
        props.put("cosmos.id.strategy", "key");
        connect.configureConnector("state-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("state-sink", 2, "sink did not start");

        for (int seq = 0; seq < 200; seq++) {
            connect.kafka().produce("device-state", "dev-" + (seq % DEVICES), reading(seq, seq % DEVICES));
        }
        await("each device has its latest reading", () -> {
            List<ObjectNode> docs = documents("iot", "devices");
            return docs.size() == DEVICES && docs.stream().allMatch(doc -> doc.get("seq").asInt() >= 190);
        });
        List<ObjectNode> state = documents("iot", "devices");
        assertThat(state).extracting(doc -> doc.get("id").asText()).containsExactlyInAnyOrder(
                "dev-0", "dev-1", "dev-2", "dev-3", "dev-4", "dev-5", "dev-6", "dev-7", "dev-8", "dev-9");

        connect.kafka().produce("device-state", "dev-3", null);
        await("the tombstone deleted dev-3", () -> documents("iot", "devices").size() == DEVICES - 1);
        assertThat(documents("iot", "devices")).extracting(doc -> doc.get("id").asText()).doesNotContain("dev-3");
        connect.deleteConnector("state-sink");
    }

    @Test
    void upsertIfNewerKeepsTheNewestReadingUnderShuffledInputAndReplays() throws Exception {
        connect.kafka().createTopic("shuffled", 2);
        Map<String, String> props = sinkProps("shuffled", "iot", "latest");
        props.put("cosmos.id.strategy", "key");
        props.put("cosmos.write.strategy", "upsert-if-newer");
        props.put("cosmos.write.newer.field", "ts");
        List<Integer> order = new ArrayList<>();
        for (int seq = 0; seq < 300; seq++) {
            order.add(seq);
        }
        java.util.Collections.shuffle(order, new java.util.Random(5));
        for (int seq : order) {
            connect.kafka().produce("shuffled", "dev-" + (seq % DEVICES), reading(seq, seq % DEVICES));
        }
        connect.configureConnector("latest-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("latest-sink", 2, "sink did not start");
        // The newest reading of device d is seq 290 + d.
        await("every device holds its newest reading", () -> {
            List<ObjectNode> docs = documents("iot", "latest");
            return docs.size() == DEVICES && docs.stream().allMatch(doc -> doc.get("seq").asInt() >= 290);
        });

        // Replay all of it: older readings must not overwrite the newer state.
        connect.stopConnector("latest-sink");
        connect.assertions().assertConnectorIsStopped("latest-sink", "sink did not stop");
        connect.resetConnectorOffsets("latest-sink");
        connect.resumeConnector("latest-sink");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("latest-sink", 2, "sink did not resume");
        connect.kafka().produce("shuffled", "dev-0", reading(1000, 0));
        await("the replay is consumed up to the new reading", () -> documents("iot", "latest").stream()
                .anyMatch(doc -> doc.get("seq").asInt() == 1000));
        List<ObjectNode> docs = documents("iot", "latest");
        assertThat(docs).hasSize(DEVICES);
        for (ObjectNode doc : docs) {
            int device = Integer.parseInt(doc.get("id").asText().substring(4));
            assertThat(doc.get("seq").asInt()).as("device %d", device).isEqualTo(device == 0 ? 1000 : 290 + device);
        }

        // A tombstone deletes the live document here too.
        connect.kafka().produce("shuffled", "dev-5", null);
        await("the tombstone deleted dev-5", () -> documents("iot", "latest").size() == DEVICES - 1);
        assertThat(documents("iot", "latest")).extracting(doc -> doc.get("id").asText()).doesNotContain("dev-5");
        connect.deleteConnector("latest-sink");
    }

    /**
     * Ids are unique only within a partition key value: here every slot id exists for two devices, and the stored
     * documents of the two are of different ages. One put() batch then carries a newer and older versions of all 1,200
     * documents, so the writer must read 1,200 stored documents (more than one readMany call asks for) and compare
     * each record with its own device's document, not with the other device's of the same id.
     */
    @Test
    void upsertIfNewerTellsTheSameIdInTwoPartitionsApartInLargeBatches() throws Exception {
        connect.kafka().createTopic("slots", 1);
        int slots = 600;
        // Stored first: dev-0 at version 3 with its final value, dev-1 at version 1 with -1.
        List<String[]> first = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            first.add(new String[] {"dev-0", slotReading(0, slot, 3, slot)});
            first.add(new String[] {"dev-1", slotReading(1, slot, 1, -1)});
        }
        produceAll("slots", first);
        Map<String, String> props = sinkProps("slots", "iot", "slots");
        props.put("tasks.max", "1");
        props.put("consumer.override.max.poll.records", "5000");
        props.put("cosmos.id.strategy", "field");
        props.put("cosmos.id.field", "slot");
        props.put("cosmos.write.strategy", "upsert-if-newer");
        props.put("cosmos.write.newer.field", "ts");
        withDeadLetterQueue(props, "slots-dlq");
        connect.configureConnector("slots-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("slots-sink", 1, "sink did not start");
        await("the first versions are stored", () -> documents("iot", "slots").size() == 2 * slots);

        // With the connector stopped, queue version 2 and version 0 of every document, shuffled, so that they reach
        // the task in one batch when it resumes: version 2 is newer than dev-1's stored documents and older than
        // dev-0's. A marker document comes last.
        connect.stopConnector("slots-sink");
        connect.assertions().assertConnectorIsStopped("slots-sink", "sink did not stop");
        List<String[]> records = new ArrayList<>();
        for (int slot = 0; slot < slots; slot++) {
            records.add(new String[] {"dev-0", slotReading(0, slot, 2, -2)});
            records.add(new String[] {"dev-0", slotReading(0, slot, 0, -2)});
            records.add(new String[] {"dev-1", slotReading(1, slot, 2, 10_000 + slot)});
            records.add(new String[] {"dev-1", slotReading(1, slot, 0, -2)});
        }
        java.util.Collections.shuffle(records, new java.util.Random(7));
        records.add(new String[] {"dev-2", "{\"slot\":\"marker\",\"deviceId\":\"dev-2\",\"ts\":1,\"value\":0}"});
        produceAll("slots", records);
        connect.resumeConnector("slots-sink");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("slots-sink", 1, "sink did not resume");
        await("every record up to the marker is written", () -> documents("iot", "slots").size() == 2 * slots + 1);

        for (ObjectNode doc : documents("iot", "slots")) {
            if (doc.get("id").asText().equals("marker")) {
                continue;
            }
            int device = Integer.parseInt(doc.get("deviceId").asText().substring(4));
            int slot = Integer.parseInt(doc.get("id").asText().substring(2));
            assertThat(doc.get("value").asInt()).as("%s of %s", doc.get("id"), doc.get("deviceId")).isEqualTo(device * 10_000 + slot);
        }
        assertThat(TopicReader.readFor(connect.kafka(), "slots-dlq", Duration.ofSeconds(2)))
                .as("nothing went to the dead letter queue").isEmpty();
        connect.deleteConnector("slots-sink");
    }

    /** Sends key-value pairs without waiting for each, then for all. */
    private static void produceAll(String topic, List<String[]> records) {
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            for (String[] record : records) {
                producer.send(new ProducerRecord<>(topic, record[0].getBytes(StandardCharsets.UTF_8),
                        record[1].getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static String slotReading(int device, int slot, int version, int value) {
        return "{\"slot\":\"s-" + slot + "\",\"deviceId\":\"dev-" + device + "\",\"ts\":" + (1_795_000_000_000L + version)
                + ",\"value\":" + value + "}";
    }

    @Test
    void patchesChangeOnlyTheirFieldsAndIncrementsAddUpInOrder() throws Exception {
        connect.kafka().createTopic("patches", 2);
        Map<String, String> props = sinkProps("patches", "iot", "patched");
        props.put("cosmos.id.strategy", "key");
        props.put("cosmos.write.strategy", "patch");
        props.put("cosmos.patch.fields", "count:increment,firmware:ignore");
        withDeadLetterQueue(props, "patches-dlq");
        // Each device's first record creates its document (with its firmware); later ones patch it.
        int perDevice = 30;
        for (int round = 0; round < perDevice; round++) {
            for (int device = 0; device < DEVICES; device++) {
                int seq = round * DEVICES + device;
                String value = "{\"deviceId\":\"dev-" + device + "\",\"seq\":" + seq + ",\"count\":1,\"firmware\":\""
                        + (round == 0 ? "1.0" : "2.0") + "\",\"site\":{\"room\":\"r" + round + "\"}}";
                connect.kafka().produce("patches", "dev-" + device, value);
            }
        }
        // Not a number to increment: to the dead letter queue, the rest goes on.
        connect.kafka().produce("patches", "dev-4", "{\"deviceId\":\"dev-4\",\"count\":\"one\"}");
        connect.configureConnector("patch-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("patch-sink", 2, "sink did not start");
        await("every device counted " + perDevice + " readings", () -> {
            List<ObjectNode> docs = documents("iot", "patched");
            return docs.size() == DEVICES && docs.stream().allMatch(doc -> doc.get("count").asInt() >= perDevice);
        });
        List<ObjectNode> docs = documents("iot", "patched");
        for (ObjectNode doc : docs) {
            int device = Integer.parseInt(doc.get("id").asText().substring(4));
            assertThat(doc.get("count").asInt()).as("increments of device %d", device).isEqualTo(perDevice);
            assertThat(doc.get("seq").asInt()).as("last value set, device %d", device).isEqualTo((perDevice - 1) * DEVICES + device);
            assertThat(doc.at("/site/room").asText()).isEqualTo("r" + (perDevice - 1));
            assertThat(doc.get("firmware").asText()).as("ignored field left as created").isEqualTo("1.0");
        }
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readUntil(connect.kafka(), "patches-dlq", r -> !r.isEmpty(), TIMEOUT);
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), "__connect.errors.exception.message")).contains("cannot be mapped to a document")
                .contains("field 'count' is to be incremented (cosmos.patch.*) but its value is not a number: \"one\"");

        // A tombstone deletes the patched document.
        connect.kafka().produce("patches", "dev-7", null);
        await("the tombstone deleted dev-7", () -> documents("iot", "patched").size() == DEVICES - 1);
        assertThat(documents("iot", "patched")).extracting(doc -> doc.get("id").asText()).doesNotContain("dev-7");
        connect.deleteConnector("patch-sink");
    }

    @Test
    void aThrottlingStormIsSurvivedWithNothingLost() throws Exception {
        try (CosmosFaultProxy proxy = CosmosFaultProxy.start(cosmos)) {
            connect.kafka().createTopic("storm", 2);
            Map<String, String> props = sinkProps("storm", "iot", "storm");
            props.put("cosmos.endpoint", proxy.endpoint());
            props.put("cosmos.retry.budget.ms", "3000");
            // A 15 s storm outlasts three 3 s budgets: allow enough budgets in a row that the storm is retried through,
            // as a 60 s default budget would (with the default of 3 this test's task fails by design on a slow machine).
            props.put("cosmos.retry.budget.exhausted.max", "20");
            connect.configureConnector("storm-sink", props);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("storm-sink", 2, "sink did not start");

            // 80 % of writes throttled for 15 s: the SDK's own retries give up, the connector backs off within its
            // budget, then hands the batch back to Connect with a RetriableException, again and again.
            proxy.throttleWrites(0.8, Duration.ofMillis(100));
            int records = 1000;
            for (int seq = 0; seq < records; seq++) {
                connect.kafka().produce("storm", "dev-" + (seq % DEVICES), reading(seq, seq % DEVICES));
            }
            TimeUnit.SECONDS.sleep(15);
            long throttled = proxy.throttled();
            proxy.throttleWrites(0, Duration.ZERO);

            await("every record is written after the storm", () -> documents("iot", "storm").size() >= records);
            List<ObjectNode> docs = documents("iot", "storm");
            assertThat(docs).hasSize(records);
            assertThat(docs.stream().map(doc -> doc.get("seq").asInt()).distinct().count()).isEqualTo(records);
            assertThat(throttled).as("requests answered 429").isGreaterThan(10);
            assertThat(connect.connectorStatus("storm-sink").tasks()).allMatch(task -> task.state().equals("RUNNING"));
            // Summed over both tasks: the SDK's own retries may absorb every throttle one task meets.
            assertThat(PluginMetricsJmx.total("storm-sink", "throttled-total")
                    + PluginMetricsJmx.total("storm-sink", "retries-total")).isPositive();
            connect.deleteConnector("storm-sink");
        }
    }

    /**
     * Cosmos DB keeps answering 500 for one document (record refused-0@17, id refused-0-17) inside otherwise
     * successful bulk responses. With a 2 s retry budget that may be spent twice in a row, the record goes to the dead
     * letter queue with the status and reason after two budgets (plus Connect's 1 s redelivery), every other record is
     * written, and the task keeps running.
     */
    @Test
    void aDocumentCosmosDbKeepsRefusingGoesToTheDeadLetterQueueWithinTheBound() throws Exception {
        try (CosmosFaultProxy proxy = CosmosFaultProxy.start(cosmos)) {
            proxy.failDocument("refused-0-17");
            Map<String, String> props = refusingSink("refused", proxy);
            withDeadLetterQueue(props, "refused-dlq");
            long started = System.nanoTime();
            connect.configureConnector("refused-sink", props);

            List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readUntil(connect.kafka(), "refused-dlq", r -> !r.isEmpty(),
                    Duration.ofSeconds(30));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(dead).singleElement().satisfies(record -> {
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).contains("\"seq\":17");
                assertThat(header(record, "__connect.errors.exception.message")).startsWith("Record refused-0@17 was not "
                        + "written: Cosmos DB answered status 500 in container 'refused' (id 'refused-0-17') through 2 retry "
                        + "budgets in a row (cosmos.retry.budget.ms=2000, cosmos.retry.budget.exhausted.max=2)");
                assertThat(header(record, "__connect.errors.exception.class.name"))
                        .isEqualTo("org.apache.kafka.connect.errors.ConnectException");
                assertThat(header(record, "__connect.errors.topic")).isEqualTo("refused");
                assertThat(header(record, "__connect.errors.offset")).isEqualTo("17");
            });
            assertThat(took).as("two budgets of 2 s, a redelivery and the start of the connector").isLessThan(Duration.ofSeconds(25));
            await("the 49 other records are written", () -> documents("iot", "refused").size() == 49);
            assertThat(documents("iot", "refused")).extracting(doc -> doc.get("id").asText()).doesNotContain("refused-0-17");
            assertThat(proxy.failedOperations()).as("the bulk operations answered 500").isGreaterThanOrEqualTo(2);
            assertThat(PluginMetricsJmx.total("refused-sink", "retry-budget-exhausted-total")).isEqualTo(2.0);
            assertThat(connect.connectorStatus("refused-sink").tasks()).allMatch(task -> task.state().equals("RUNNING"));

            // The record is behind it: later records are written as usual.
            connect.kafka().produce("refused", "dev-0", reading(50, 0));
            await("a later record is written", () -> documents("iot", "refused").size() == 50);
            connect.deleteConnector("refused-sink");
        }
    }

    /** The same without a dead letter queue: the task fails within the bound, naming the record and the status. */
    @Test
    void withoutADeadLetterQueueARecordCosmosDbKeepsRefusingFailsTheTaskWithinTheBound() throws Exception {
        try (CosmosFaultProxy proxy = CosmosFaultProxy.start(cosmos)) {
            proxy.failDocument("strict-0-17");
            long started = System.nanoTime();
            connect.configureConnector("strict-sink", refusingSink("strict", proxy));
            connect.assertions().assertConnectorIsRunningAndTasksHaveFailed("strict-sink", 1, "the task did not fail");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            String trace = connect.connectorStatus("strict-sink").tasks().get(0).trace();
            assertThat(trace).contains("Record strict-0@17 was not written: Cosmos DB answered status 500 in container "
                    + "'strict' (id 'strict-0-17') through 2 retry budgets in a row")
                    .contains("configure errors.tolerance=all and errors.deadletterqueue.topic.name");
            assertThat(took).as("two budgets of 2 s, a redelivery and the start of the connector").isLessThan(Duration.ofSeconds(25));
            List<String> ids = documents("iot", "strict").stream().map(doc -> doc.get("id").asText()).toList();
            assertThat(ids).as("the records before it are written").contains("strict-0-0", "strict-0-16").doesNotContain("strict-0-17");
            connect.deleteConnector("strict-sink");
        }
    }

    /**
     * 50 readings on a one-partition topic, produced before a one-task sink through {@code proxy} starts, so they
     * reach it in one batch; retry budgets of 2 s, twice in a row at most.
     */
    private static Map<String, String> refusingSink(String name, CosmosFaultProxy proxy) {
        connect.kafka().createTopic(name, 1);
        for (int seq = 0; seq < 50; seq++) {
            connect.kafka().produce(name, "dev-" + (seq % DEVICES), reading(seq, seq % DEVICES));
        }
        Map<String, String> props = sinkProps(name, "iot", name);
        props.put("tasks.max", "1");
        props.put("cosmos.endpoint", proxy.endpoint());
        props.put("cosmos.retry.budget.ms", "2000");
        props.put("cosmos.retry.budget.exhausted.max", "2");
        return props;
    }

    /**
     * Live state per device with upsert-if-newer, and devices that first report after the connector started, one
     * at a time: each batch then reads one stored document that does not exist yet (a point read in the SDK, which
     * the stock local server answered with 500 instead of 404, stalling the sink).
     */
    @Test
    void upsertIfNewerWritesDevicesThatAppearAfterTheStart() throws Exception {
        connect.kafka().createTopic("arrivals", 1);
        Map<String, String> props = sinkProps("arrivals", "iot", "arrivals");
        props.put("tasks.max", "1");
        props.put("cosmos.id.strategy", "key");
        props.put("cosmos.write.strategy", "upsert-if-newer");
        props.put("cosmos.write.newer.field", "ts");
        props.put("cosmos.retry.budget.ms", "2000");
        props.put("cosmos.retry.budget.exhausted.max", "1");
        for (int seq = 0; seq < 20; seq++) {
            connect.kafka().produce("arrivals", "dev-" + (seq % 3), reading(seq, seq % 3));
        }
        connect.configureConnector("arrivals-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("arrivals-sink", 1, "sink did not start");
        awaitRunning("arrivals-sink", "the first three devices are written", () -> documents("iot", "arrivals").size() == 3);

        for (int device = 3; device < DEVICES; device++) {
            int seq = 100 + device;
            connect.kafka().produce("arrivals", "dev-" + device, reading(seq, device));
            int expected = device + 1;
            awaitRunning("arrivals-sink", "dev-" + device + ", first seen now, is written",
                    () -> documents("iot", "arrivals").size() == expected);
        }
        // And a newer reading of a device that appeared late replaces its document.
        connect.kafka().produce("arrivals", "dev-7", reading(200, 7));
        awaitRunning("arrivals-sink", "dev-7's newer reading is written", () -> documents("iot", "arrivals").stream()
                .anyMatch(doc -> doc.get("id").asText().equals("dev-7") && doc.get("seq").asInt() == 200));

        List<ObjectNode> docs = documents("iot", "arrivals");
        assertThat(docs).hasSize(DEVICES);
        int[] newestOfTheFirst = {18, 19, 17}; // the last of seq 0-19 with seq % 3 == device
        for (ObjectNode doc : docs) {
            int device = Integer.parseInt(doc.get("id").asText().substring(4));
            int newest = device < 3 ? newestOfTheFirst[device] : device == 7 ? 200 : 100 + device;
            assertThat(doc.get("seq").asInt()).as("device %d", device).isEqualTo(newest);
        }
        connect.deleteConnector("arrivals-sink");
    }

    /** Like {@link #await}, but fails at once with the task's trace if the connector's task failed. */
    private static void awaitRunning(String connector, String what, BooleanSupplier condition) throws InterruptedException {
        await(what, () -> {
            connect.connectorStatus(connector).tasks().stream().filter(task -> task.state().equals("FAILED")).findFirst()
                    .ifPresent(task -> {
                        throw new AssertionError("the task failed while waiting until " + what + ": " + task.trace());
                    });
            return condition.getAsBoolean();
        });
    }

    @Test
    void jsonTextValuesBecomeDocumentsAndBrokenTextGoesToTheDeadLetterQueue() throws Exception {
        Map<String, String> props = sinkProps("text", "iot", "text");
        props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        props.remove("value.converter.schemas.enable");

        ConsumerRecord<byte[], byte[]> dead = theOneDeadLetter("text", props, 30, 11, "{\"seq\":11,\"deviceId\":");

        assertThat(header(dead, "__connect.errors.exception.message")).startsWith(
                "Record text-0@11 cannot be mapped to a document: value is text that starts a JSON object but is not valid JSON");
        assertThat(documents("iot", "text")).allSatisfy(doc -> {
            assertThat(doc.get("ts").isIntegralNumber()).isTrue();
            assertThat(doc.get("temperature").isNumber()).isTrue();
        });
    }

    @Test
    void aPoisonedRecordGoesToTheDeadLetterQueueWhileTheRestIsWritten() throws Exception {
        ConsumerRecord<byte[], byte[]> dead = theOneDeadLetter("mixed", sinkProps("mixed", "iot", "mixed"), 50, 17,
                "{\"seq\":17,\"temperature\":21.5}");

        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("\"seq\":17");
        assertThat(header(dead, "__connect.errors.exception.message"))
                .isEqualTo("Record mixed-0@17 cannot be mapped to a document: the document has no value at partition key path /deviceId");
        assertThat(header(dead, "__connect.errors.stage")).isEqualTo("TASK_PUT");
    }

    /**
     * Runs a one-task sink with a dead letter queue from topic {@code name} into container {@code name} over
     * {@code records} readings, the one at {@code bad} replaced by {@code badValue}; checks that every other record is
     * written, the task still runs, and exactly one record is dead-lettered, and returns that one.
     */
    private static ConsumerRecord<byte[], byte[]> theOneDeadLetter(String name, Map<String, String> props, int records, int bad,
                                                                    String badValue) throws Exception {
        connect.kafka().createTopic(name, 1);
        props.put("tasks.max", "1");
        withDeadLetterQueue(props, name + "-dlq");
        connect.configureConnector(name + "-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name + "-sink", 1, "sink did not start");
        for (int seq = 0; seq < records; seq++) {
            connect.kafka().produce(name, "dev-" + (seq % DEVICES), seq == bad ? badValue : reading(seq, seq % DEVICES));
        }
        await("the " + (records - 1) + " good records are written", () -> documents("iot", name).size() >= records - 1);
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readUntil(connect.kafka(), name + "-dlq", r -> !r.isEmpty(), TIMEOUT);
        assertThat(dead).hasSize(1);
        assertThat(documents("iot", name)).hasSize(records - 1);
        assertThat(connect.connectorStatus(name + "-sink").tasks()).allMatch(task -> task.state().equals("RUNNING"));
        connect.deleteConnector(name + "-sink");
        return dead.get(0);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
