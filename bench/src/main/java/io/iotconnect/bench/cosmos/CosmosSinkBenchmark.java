package io.iotconnect.bench.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import com.azure.cosmos.CosmosAsyncContainer;
import com.azure.cosmos.CosmosClientBuilder;
import com.azure.cosmos.models.CosmosBulkExecutionOptions;
import com.azure.cosmos.models.CosmosBulkOperationResponse;
import com.azure.cosmos.models.CosmosBulkOperations;
import com.azure.cosmos.models.CosmosContainerProperties;
import com.azure.cosmos.models.CosmosItemOperation;
import com.azure.cosmos.models.PartitionKey;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.bench.Rounds;
import io.iotconnect.bench.ThreadCpu;
import io.iotconnect.cosmos.CosmosSinkConnector;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.testing.ConnectTestCluster;
import io.iotconnect.testing.CosmosDbServer;
import io.iotconnect.testing.PluginMetricsJmx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import javax.management.ObjectName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kafka to Cosmos DB throughput, in one run against one local Cosmos DB server (npm @vercel/cosmosdb-server over
 * HTTPS, gateway mode): the connector on a real Connect worker ({@code --tasks} tasks over as many topic partitions,
 * default 1; one bulk upsert call per put() batch, batches of up to {@code --batch} records through
 * {@code consumer.override.max.poll.records}, as connect-config ships it; values through JsonConverter, or with
 * {@code --values text} as JSON text through ByteArrayConverter) against the raw SDK upserting the same documents with one {@code executeBulkOperations} call from a plain Java
 * loop, with the bulk options the connector uses. A third series makes the connector's calls (one per batch) without
 * Connect. All write the same documents (same ids and partition keys) into a fresh container and count documents/s
 * from the first written to the last (the connector's count moves when a put() batch is written, the SDK's with
 * each answer). The connector starts on an empty topic and is paused once its consumer group has settled; the
 * documents are produced while it is paused, so no rebalance replays records during the timed run. Every run starts after the server has been idle for 2 s; the connector's documents are all read back
 * after its run (the raw SDK's are counted from its success answers); each container is then deleted, so every run
 * meets a server holding the same data. The series take turns at going first; the median of each is reported. Last
 * line:
 * {@code cosmos-sink: connector <N> docs/s, raw SDK <M> docs/s, ratio <R>}. With {@code --profile}, each run also
 * prints where the CPU went: idle share of the machine, the Cosmos DB server's CPU per document, GC, and this JVM's
 * CPU per document by thread group.
 */
public final class CosmosSinkBenchmark {

    private static final int DEVICES = 100;
    /** What the connector asks of the SDK with its default {@value CosmosSinkConfig#MAX_CONCURRENCY_CONFIG} (4); the raw SDK does the same. */
    private static final int CONNECTOR_MICRO_BATCH_CONCURRENCY = 4;
    /** Every timed run starts after the server has been left alone this long. */
    private static final long SETTLE_MS = 2_000;
    private static final String DATABASE = "bench";
    private static final String WRITTEN = "documents-written-total";

    private final CosmosDbServer cosmos;
    private final EmbeddedConnectCluster connect;
    private final CosmosAsyncClient client;
    private final int documents;
    private final int batch;
    private final int tasks;
    private final boolean profile;
    private final boolean textValues;
    private final List<String> payloads = new ArrayList<>();
    private final List<ObjectNode> bodies = new ArrayList<>();

    private CosmosSinkBenchmark(int documents, int batch, int tasks, boolean profile, boolean textValues) throws Exception {
        this.documents = documents;
        this.profile = profile;
        this.textValues = textValues;
        this.batch = batch;
        this.tasks = tasks;
        this.cosmos = CosmosDbServer.start();
        this.connect = ConnectTestCluster.start("cosmos-bench", 1);
        this.client = new CosmosClientBuilder().endpoint(cosmos.endpoint()).key(CosmosDbServer.KEY).gatewayMode()
                .contentResponseOnWriteEnabled(false).buildAsyncClient();
        client.createDatabaseIfNotExists(DATABASE).block();
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < documents; i++) {
            String device = String.format(Locale.ROOT, "sensor-%03d", i % DEVICES);
            String payload = String.format(Locale.ROOT,
                    "{\"id\":\"%s-%d\",\"deviceId\":\"%s\",\"ts\":%d,\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,"
                            + "\"battery\":%.1f}",
                    device, i, device, 1_795_000_000_000L + i, 20 + (i % 70) / 10.0, 40 + (i % 200) / 10.0,
                    1013.2 - (i % 50) / 10.0, 87.5);
            payloads.add(payload);
            bodies.add((ObjectNode) json.readTree(payload));
        }
    }

    /** One timed run of one series. */
    private interface Run {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int documents = 50_000;
        int rounds = 5;
        int batch = 2_000;
        int warmups = 2;
        int tasks = 1;
        boolean profile = false;
        boolean textValues = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--profile")) {
                profile = true;
                i--;
                continue;
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--documents" -> documents = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--warmups" -> warmups = Integer.parseInt(args[i + 1]);
                case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
                case "--values" -> textValues = switch (args[i + 1]) {
                    case "json" -> false;
                    case "text" -> true;
                    default -> throw new IllegalArgumentException("--values is json (JsonConverter) or text (ByteArrayConverter)");
                };
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --documents N --rounds R --batch B --warmups W --tasks T --values json|text --profile");
            }
        }
        CosmosSinkBenchmark bench = new CosmosSinkBenchmark(documents, batch, tasks, profile, textValues);
        try {
            System.out.printf(Locale.ROOT, "cosmos-sink benchmark: %d documents of ~%d bytes per round over %d partition key "
                    + "values, upsert, connector with %d task(s), %s values and batches of up to %d "
                    + "(consumer.override.max.poll.records), %d round(s) after %d warm-up round(s), local Cosmos DB server %s%n",
                    documents, bench.payloads.get(0).length(), DEVICES, tasks, textValues ? "JSON text (ByteArrayConverter)"
                            : "JsonConverter", batch, rounds, warmups, bench.cosmos.endpoint());
            // The connector's path (Connect's consumer loop, JsonConverter, the task) keeps speeding up for a few
            // hundred thousand records after the raw SDK's has settled; hence more than one warm-up round.
            for (int warmup = 1; warmup <= warmups; warmup++) {
                System.out.printf(Locale.ROOT, "  warm-up %d: connector %.0f docs/s, raw SDK %.0f docs/s, raw SDK called as the "
                        + "connector calls it %.0f docs/s (not counted)%n", warmup, bench.connectorRound("warmup-" + warmup),
                        bench.rawRound("warmup-" + warmup, 0), bench.rawRound("warmup-" + warmup, batch));
            }
            double[] connector = new double[rounds];
            double[] raw = new double[rounds];
            double[] batched = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                String name = Integer.toString(round + 1);
                int index = round;
                List<Run> runs = new ArrayList<>(List.of(
                        () -> connector[index] = bench.connectorRound(name),
                        () -> raw[index] = bench.rawRound(name, 0),
                        () -> batched[index] = bench.rawRound(name, bench.batch)));
                // Each series goes first, second and third in turn.
                java.util.Collections.rotate(runs, round);
                for (Run run : runs) {
                    run.run();
                }
                System.out.printf(Locale.ROOT, "  round %d: connector %.0f docs/s, raw SDK %.0f docs/s, raw SDK called as the connector "
                        + "calls it %.0f docs/s%n", round + 1, connector[round], raw[round], batched[round]);
            }
            double connectorMedian = Rounds.median(connector);
            double rawMedian = Rounds.median(raw);
            System.out.printf(Locale.ROOT, "  spread: connector %.0f-%.0f docs/s, raw SDK %.0f-%.0f docs/s, raw SDK called as the "
                    + "connector calls it (batches of %d) %.0f-%.0f docs/s%n", Rounds.min(connector), Rounds.max(connector),
                    Rounds.min(raw), Rounds.max(raw), batch, Rounds.min(batched), Rounds.max(batched));
            System.out.printf(Locale.ROOT, "cosmos-sink: connector %.0f docs/s, raw SDK %.0f docs/s, ratio %.2f%n",
                    connectorMedian, rawMedian, connectorMedian / rawMedian);
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    private CosmosAsyncContainer freshContainer(String name) {
        client.getDatabase(DATABASE).createContainerIfNotExists(new CosmosContainerProperties(name, "/deviceId")).block();
        return client.getDatabase(DATABASE).getContainer(name);
    }

    private double connectorRound(String round) throws Exception {
        String name = "connector-" + round;
        String topic = "bench-" + round;
        freshContainer(name);
        connect.kafka().createTopic(topic, tasks);
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", CosmosSinkConnector.class.getName());
        props.put("tasks.max", Integer.toString(tasks));
        // As connect-config/cosmos-sink.json ships it: larger put() batches, fewer bulk calls.
        props.put("consumer.override.max.poll.records", Integer.toString(batch));
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        if (textValues) {
            // The JSON text as bytes, parsed by the connector straight into documents.
            props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        } else {
            props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("value.converter.schemas.enable", "false");
        }
        props.put(CosmosSinkConfig.ENDPOINT_CONFIG, cosmos.endpoint());
        props.put(CosmosSinkConfig.KEY_CONFIG, CosmosDbServer.KEY);
        props.put(CosmosSinkConfig.CONNECTION_MODE_CONFIG, "gateway");
        props.put(CosmosSinkConfig.DATABASE_CONFIG, DATABASE);
        props.put(CosmosSinkConfig.CONTAINERS_CONFIG, topic + "#" + name);
        props.put(CosmosSinkConfig.ID_STRATEGY_CONFIG, "field");
        props.put(CosmosSinkConfig.ID_FIELD_CONFIG, "id");
        // The connector starts on the empty topic, its consumer group settles (every task holding its partitions, so
        // no rebalance replays records during the run), and it is paused while the documents are produced.
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "benchmark connector did not start");
        awaitStableGroup("connect-" + name, tasks);
        List<ObjectName> metrics = awaitMetrics(name, tasks);
        connect.pauseConnector(name);
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(name, tasks, "benchmark connector did not pause");
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < documents; i++) {
                producer.send(new ProducerRecord<>(topic, bodies.get(i).get("deviceId").asText(), payloads.get(i)));
            }
        }
        TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
        ThreadCpu cpu = new ThreadCpu("doc", "node", "cosmosdb-server");
        connect.resumeConnector(name);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long first = 0;
        double firstCount = 0;
        double rate;
        while (true) {
            double written = written(metrics);
            long now = System.nanoTime();
            if (first == 0 && written > 0) {
                first = now;
                firstCount = written;
            }
            if (written >= documents) {
                rate = (written - firstCount) / Math.max((now - first) / 1e9, 1e-3);
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException("the connector wrote " + written + " of " + documents + " documents in 5 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        if (profile) {
            System.out.println("    connector: " + cpu.since(documents));
        }
        connect.deleteConnector(name);
        verify(name);
        connect.kafka().deleteTopic(topic);
        return rate;
    }

    /** Waits until the group has the given number of members, each assigned a partition. */
    private void awaitStableGroup(String group, int members) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = connect.kafka().createAdminClient()) {
            while (true) {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (description.groupState() == GroupState.STABLE && description.members().size() == members
                        && description.members().stream().allMatch(member -> !member.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumer group " + group + " did not settle: " + description);
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    /**
     * The MBeans holding each task's documents-written-total, found once so that the polling loop reads attributes
     * only (querying all MBeans every few milliseconds cost the connector's run CPU).
     */
    private static List<ObjectName> awaitMetrics(String connector, int tasks) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<ObjectName> found = PluginMetricsJmx.tasks(connector, WRITTEN);
            if (found.size() == tasks) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("found metrics of " + found.size() + " of " + tasks + " tasks of " + connector);
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static double written(List<ObjectName> tasks) throws Exception {
        double total = 0;
        for (ObjectName task : tasks) {
            total += PluginMetricsJmx.value(task, WRITTEN);
        }
        return total;
    }

    /**
     * The raw SDK with the bulk options the connector uses: one bulk call over all documents, or (with a batch size)
     * one call per batch, one after another, as the connector makes them.
     */
    private double rawRound(String round, int batch) throws InterruptedException {
        String name = "raw-" + batch + "-" + round;
        CosmosBulkExecutionOptions options = new CosmosBulkExecutionOptions()
                .setMaxMicroBatchConcurrency(CONNECTOR_MICRO_BATCH_CONCURRENCY);
        CosmosAsyncContainer container = freshContainer(name);
        List<CosmosItemOperation> operations = new ArrayList<>(documents);
        for (ObjectNode body : bodies) {
            operations.add(CosmosBulkOperations.getUpsertItemOperation(body, new PartitionKey(body.get("deviceId").asText())));
        }
        AtomicLong first = new AtomicLong();
        AtomicLong firstCount = new AtomicLong();
        AtomicLong done = new AtomicLong();
        List<CosmosBulkOperationResponse<Object>> failed = new ArrayList<>();
        int size = batch <= 0 ? documents : batch;
        TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
        ThreadCpu cpu = new ThreadCpu("doc", "node", "cosmosdb-server");
        for (int start = 0; start < documents; start += size) {
            bulk(container, options, operations.subList(start, Math.min(documents, start + size)), first, firstCount, done, failed);
        }
        long end = System.nanoTime();
        if (profile) {
            System.out.println("    raw SDK" + (batch > 0 ? " in calls of " + batch : "") + ": " + cpu.since(documents));
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(failed.size() + " raw upserts failed, e.g. " + failed.get(0).getException());
        }
        if (done.get() != documents) {
            throw new IllegalStateException("the raw SDK answered " + done.get() + " of " + documents + " upserts");
        }
        double rate = (done.get() - firstCount.get()) / Math.max((end - first.get()) / 1e9, 1e-3);
        // Every upsert answered with a success status is written; only the connector's output is read back.
        container.delete().block();
        return rate;
    }

    private static void bulk(CosmosAsyncContainer container, CosmosBulkExecutionOptions options,
                             List<CosmosItemOperation> operations, AtomicLong first,
                             AtomicLong firstCount, AtomicLong done, List<CosmosBulkOperationResponse<Object>> failed) {
        container.executeBulkOperations(Flux.fromIterable(operations), options)
                .doOnNext(response -> {
                    long count = done.incrementAndGet();
                    if (first.get() == 0) {
                        first.set(System.nanoTime());
                        firstCount.set(count);
                    }
                    if (response.getResponse() == null || !response.getResponse().isSuccessStatusCode()) {
                        synchronized (failed) {
                            failed.add(response);
                        }
                    }
                })
                .blockLast();
    }

    /**
     * Reads every document the connector wrote back by id and partition key (point reads: the local server has no
     * query engine), then drops the container.
     */
    private void verify(String name) {
        CosmosAsyncContainer container = client.getDatabase(DATABASE).getContainer(name);
        AtomicLong failedReads = new AtomicLong();
        List<Throwable> firstFailure = new ArrayList<>(1);
        Long found = Flux.fromIterable(bodies)
                .flatMap(body -> container.readItem(body.get("id").asText(), new PartitionKey(body.get("deviceId").asText()),
                        ObjectNode.class).map(response -> 1).onErrorResume(error -> {
                            // A missing document is a 404 from Cosmos DB (the local server answers 500).
                            if (failedReads.incrementAndGet() == 1) {
                                firstFailure.add(error);
                            }
                            return Mono.empty();
                        }), 32)
                .count()
                .block(Duration.ofMinutes(5));
        if (found == null || found != documents) {
            throw new IllegalStateException(name + " holds " + found + " of the " + documents + " documents; " + failedReads.get()
                    + " reads failed" + (firstFailure.isEmpty() ? "" : ", the first with: " + firstFailure.get(0).getMessage()));
        }
        container.delete().block();
    }

    private void close() {
        client.close();
        connect.stop();
        cosmos.close();
    }
}
