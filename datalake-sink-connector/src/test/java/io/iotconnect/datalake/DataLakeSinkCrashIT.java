package io.iotconnect.datalake;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.WorkerProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once across crashes, counted: the sink runs on two Connect worker JVMs of their own, which are killed with
 * SIGKILL in turn, again and again, while files are open, being flushed, renamed or waiting for the offset commit (the
 * kills fall at random moments of a steady stream of commits); the surviving worker takes the tasks over and a new one
 * joins each time. Afterwards every record is in
 * exactly one committed file: no row lost, no row twice.
 */
class DataLakeSinkCrashIT {

    private static final Logger log = LoggerFactory.getLogger(DataLakeSinkCrashIT.class);
    private static final long T0 = Instant.parse("2026-12-01T05:00:00Z").toEpochMilli();
    /** Records produced at the least; the producer goes on until the last kill, so every kill falls mid-stream. */
    private static final int RECORDS = 30_000;
    private static final int KILLS = 6;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static DataLakeServer lake;
    private static EmbeddedKafkaCluster kafka;
    private final WorkerProcess[] workers = new WorkerProcess[2];

    @BeforeAll
    static void startServers() {
        lake = DataLakeServer.start();
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
    }

    @AfterAll
    static void stopServers() {
        if (kafka != null) {
            kafka.stop();
        }
        if (lake != null) {
            lake.close();
        }
    }

    @AfterEach
    void stopWorkers() {
        for (WorkerProcess worker : workers) {
            if (worker != null) {
                worker.close();
            }
        }
    }

    private static Map<String, String> sinkProps(String topic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", DataLakeSinkConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, lake.endpoint());
        props.put(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, lake.accountKey());
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, "crash");
        props.put(DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG, "true");
        props.put(DataLakeSinkConfig.TIME_FIELD_CONFIG, "ts");
        props.put(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}/dt=${time:yyyy-MM-dd}/hour=${time:HH}/device=${value.deviceId}");
        props.put(DataLakeSinkConfig.COLUMNS_CONFIG, "partition,offset");
        props.put(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "150");
        props.put(DataLakeSinkConfig.ROTATE_SCHEDULE_CONFIG, "1000");
        props.put(DataLakeSinkConfig.OPEN_FILES_MAX_CONFIG, "20");
        // Small fetches, so a put() covers a fraction of a second of work and kills land between its steps.
        props.put("consumer.override.max.poll.records", "200");
        // A SIGKILLed worker's consumer stays in the group until its session times out (45 s by default), and the
        // partitions it held are stuck until then: a short session keeps the takeover after each kill short.
        props.put("consumer.override.session.timeout.ms", "10000");
        props.put("consumer.override.heartbeat.interval.ms", "1000");
        return props;
    }

    private static String reading(int seq) {
        return "{\"deviceId\":\"dev-" + seq % 12 + "\",\"ts\":" + (T0 + seq * 500L) + ",\"temperature\":" + (20 + seq % 9)
                + ".5,\"seq\":" + seq + "}";
    }

    /**
     * Records committed to the lake, from the partitions' indexes (three small files): reading every Parquet file
     * while the sink runs would take the CPU the workers need.
     */
    private static long committed(Path root, String topic) throws IOException {
        return committed(root, "lake-crash", topic);
    }

    private static long committed(Path root, String connector, String topic) throws IOException {
        Path indexes = root.resolve("_index").resolve(connector).resolve(topic);
        if (!Files.isDirectory(indexes)) {
            return 0;
        }
        long committed = 0;
        try (Stream<Path> files = Files.list(indexes)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                try {
                    committed += Math.max(0, JSON.readTree(file.toFile()).path("committedOffset").asLong(0));
                } catch (IOException e) {
                    // Replaced while being read: counted at the next look.
                }
            }
        }
        return committed;
    }

    private static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void everyRecordIsInExactlyOneFileAfterRepeatedKills() throws Exception {
        String topic = "crash-readings";
        kafka.createTopic(topic, 3);
        // Records keep arriving through the kills (about 1,000 a second), and until the last kill is done.
        AtomicBoolean killsDone = new AtomicBoolean();
        CompletableFuture<Integer> producing = CompletableFuture.supplyAsync(() -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                int seq = 0;
                while (seq < RECORDS || !killsDone.get()) {
                    producer.send(new ProducerRecord<>(topic, "dev-" + seq % 12, reading(seq)));
                    seq++;
                    if (seq % 100 == 0) {
                        // Past RECORDS, a trickle of 100 a second keeps every later kill mid-stream.
                        sleep(seq <= RECORDS ? 100 : 1_000);
                    }
                }
                producer.flush();
                return seq;
            }
        });
        String group = "lake-crash-cluster";
        Path root = lake.root().resolve("crash").resolve("topics");
        Random random = new Random(7);
        workers[0] = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
        workers[1] = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
        workers[0].configureConnector("lake-crash", sinkProps(topic));
        workers[0].awaitRunning("lake-crash", 2, Duration.ofSeconds(90));
        long rowsAtLastKill = 0;
        CompletableFuture<WorkerProcess> replacement = CompletableFuture.completedFuture(null);
        for (int kill = 0; kill < KILLS; kill++) {
            // Kill a worker only once the cluster commits again (some hundreds of rows more than at the last kill),
            // at a random moment of its stream of opens, flushes, index writes, renames and offset commits. The other
            // worker takes its tasks over; a replacement joins while the next kill is being waited for.
            long target = rowsAtLastKill + 300 + random.nextInt(1_500);
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long rows = committed(root, topic);
            while (rows < target && System.nanoTime() < waitUntil) {
                TimeUnit.MILLISECONDS.sleep(100);
                rows = committed(root, topic);
            }
            assertThat(rows).as("rows committed 120 s after kill %d (%d then)", kill, rowsAtLastKill)
                    .isGreaterThanOrEqualTo(target);
            TimeUnit.MILLISECONDS.sleep(random.nextInt(800));
            int victim = kill % 2;
            // Never both at once: the last replacement has joined before the next kill.
            WorkerProcess joined = replacement.get(120, TimeUnit.SECONDS);
            if (joined != null) {
                workers[1 - victim] = joined;
            }
            log.info("Killing worker {} with {} rows committed", victim, rows);
            workers[victim].kill();
            workers[victim] = null;
            rowsAtLastKill = rows;
            replacement = CompletableFuture.supplyAsync(() -> WorkerProcess.start(kafka.bootstrapServers(), group, Map.of()));
        }
        killsDone.set(true);
        WorkerProcess joined = replacement.get(120, TimeUnit.SECONDS);
        workers[workers[0] == null ? 0 : 1] = joined;
        int produced = producing.get(180, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (committed(root, topic) < produced && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
        }
        assertThat(committed(root, topic)).as("offsets committed to the lake's indexes within 180 s of the last record "
                + "(connector: %s)", workers[0].connectorStatus("lake-crash")).isEqualTo(produced);

        // An index names its commit's files before they are renamed into place (the index is the commit point; a
        // recovery finishes the renames): the last renames may still be on their way when the indexes are complete.
        List<Map<String, Object>> rows = LakeFiles.rows(root.resolve(topic));
        long indexesComplete = System.nanoTime();
        long visibleBy = indexesComplete + TimeUnit.SECONDS.toNanos(60);
        while (rows.size() < produced && System.nanoTime() < visibleBy) {
            TimeUnit.SECONDS.sleep(2);
            rows = LakeFiles.rows(root.resolve(topic));
        }
        log.info("{} of {} rows visible {} ms after the indexes named every offset", rows.size(), produced,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - indexesComplete));
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : rows) {
            copies.merge(row.get("kafka_partition") + "@" + row.get("kafka_offset"), 1, Integer::sum);
        }
        long duplicates = copies.values().stream().filter(count -> count > 1).count();
        log.info("{} kills (the last with {} rows committed); {} produced; {} rows, {} distinct, {} duplicated", KILLS,
                rowsAtLastKill, produced, rows.size(), copies.size(), duplicates);
        assertThat(duplicates).as("records written twice").isZero();
        assertThat(copies).as("distinct records in the lake").hasSize(produced);
        assertThat(rows).hasSize(produced);
        assertThat(rows.stream().map(row -> row.get("seq")).distinct()).hasSize(produced);
    }

    /** Starts a worker and returns it with its JVM's process, which the test can pause as a long GC pause would. */
    private static Map.Entry<WorkerProcess, ProcessHandle> startWithProcess(String group) {
        Set<Long> before = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
        WorkerProcess worker = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
        List<ProcessHandle> started = ProcessHandle.current().children().filter(child -> !before.contains(child.pid())).toList();
        assertThat(started).as("the worker's JVM").hasSize(1);
        return Map.entry(worker, started.get(0));
    }

    private static void signal(ProcessHandle process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -%s %d", signal, process.pid()).isZero();
    }

    /**
     * Two owners of the same partitions: a worker JVM is paused (SIGSTOP, as a long GC pause or a network partition
     * would) mid-stream, past its consumers' session time-out, so its partitions move to the other worker; then it is
     * resumed, and its tasks carry on where they stopped (mid-put, mid-commit) until Connect takes the partitions
     * away. The new owners' recoveries fence the old ones' index writes, the old ones' recoveries fence the new ones
     * in turn, until one owner is left: every record is in the lake once.
     */
    @Test
    void aWorkerPausedPastItsSessionAndResumedLeavesEveryRecordOnce() throws Exception {
        String topic = "paused-readings";
        String connector = "lake-paused";
        int records = 6_000;
        kafka.createTopic(topic, 3);
        AtomicBoolean resumed = new AtomicBoolean();
        CompletableFuture<Integer> producing = CompletableFuture.supplyAsync(() -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                int seq = 0;
                while (seq < records || !resumed.get()) {
                    producer.send(new ProducerRecord<>(topic, "dev-" + seq % 12, reading(seq)));
                    seq++;
                    if (seq % 100 == 0) {
                        sleep(seq <= records ? 100 : 1_000);
                    }
                }
                producer.flush();
                return seq;
            }
        });
        String group = "lake-paused-cluster";
        Path root = lake.root().resolve("crash").resolve("topics");
        Map.Entry<WorkerProcess, ProcessHandle> paused = startWithProcess(group);
        workers[0] = paused.getKey();
        workers[1] = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
        workers[1].configureConnector(connector, sinkProps(topic));
        workers[1].awaitRunning(connector, 2, Duration.ofSeconds(90));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (committed(root, connector, topic) < 1_000 && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertThat(committed(root, connector, topic)).as("rows committed before the pause").isGreaterThanOrEqualTo(1_000);

        log.info("Pausing worker 0 (pid {}) with {} rows committed", paused.getValue().pid(), committed(root, connector, topic));
        signal(paused.getValue(), "STOP");
        try {
            // Past the consumers' session time-out (10 s) and the scheduled rebalance delay (3 s): its partitions move on.
            TimeUnit.SECONDS.sleep(20);
        } finally {
            signal(paused.getValue(), "CONT");
            resumed.set(true);
        }
        log.info("Resumed worker 0 with {} rows committed", committed(root, connector, topic));

        int produced = producing.get(180, TimeUnit.SECONDS);
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (committed(root, connector, topic) < produced && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
        }
        assertThat(committed(root, connector, topic)).as("offsets committed to the lake within 180 s (connector: %s)",
                workers[1].connectorStatus(connector)).isEqualTo(produced);
        List<Map<String, Object>> rows = LakeFiles.rows(root.resolve(topic));
        long visibleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (rows.size() < produced && System.nanoTime() < visibleBy) {
            TimeUnit.SECONDS.sleep(2);
            rows = LakeFiles.rows(root.resolve(topic));
        }
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : rows) {
            copies.merge(row.get("kafka_partition") + "@" + row.get("kafka_offset"), 1, Integer::sum);
        }
        log.info("{} produced; {} rows, {} distinct after a paused worker came back", produced, rows.size(), copies.size());
        assertThat(copies).as("distinct records in the lake").hasSize(produced);
        assertThat(rows).as("rows").hasSize(produced);
        workers[1].deleteConnector(connector);
    }
}
