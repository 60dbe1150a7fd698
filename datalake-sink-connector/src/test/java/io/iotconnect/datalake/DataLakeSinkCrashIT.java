package io.iotconnect.datalake;

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

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly once across crashes, counted: the sink runs in a Connect worker JVM of its own, which is killed with SIGKILL
 * again and again while files are open, being flushed, renamed or waiting for the offset commit (the kills fall at
 * random moments of a steady stream of commits), and a new worker takes over each time. Afterwards every record is in
 * exactly one committed file: no row lost, no row twice.
 */
class DataLakeSinkCrashIT {

    private static final Logger log = LoggerFactory.getLogger(DataLakeSinkCrashIT.class);
    private static final long T0 = Instant.parse("2026-12-01T05:00:00Z").toEpochMilli();
    private static final int RECORDS = 40_000;
    private static final int KILLS = 6;

    private static DataLakeServer lake;
    private static EmbeddedKafkaCluster kafka;
    private WorkerProcess worker;

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
    void stopWorker() {
        if (worker != null) {
            worker.close();
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
        return props;
    }

    private static String reading(int seq) {
        return "{\"deviceId\":\"dev-" + seq % 7 + "\",\"ts\":" + (T0 + seq * 500L) + ",\"temperature\":" + (20 + seq % 9)
                + ".5,\"seq\":" + seq + "}";
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
        // Records keep arriving through the kills (about 1,000 a second).
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                for (int seq = 0; seq < RECORDS; seq++) {
                    producer.send(new ProducerRecord<>(topic, "dev-" + seq % 7, reading(seq)));
                    if (seq % 100 == 99) {
                        sleep(100);
                    }
                }
            }
        });
        String group = "lake-crash-cluster";
        Path root = lake.root().resolve("crash").resolve("topics");
        Random random = new Random(7);
        worker = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
        worker.configureConnector("lake-crash", sinkProps(topic));
        worker.awaitRunning("lake-crash", 2, Duration.ofSeconds(90));
        int kills = 0;
        int rowsAtLastKill = -1;
        while (kills < KILLS) {
            // Kill only once this worker is committing (some hundreds of rows more than at the last kill), at a random
            // moment of its stream of opens, flushes, index writes, renames and offset commits.
            int target = Math.max(rowsAtLastKill, 0) + 300 + random.nextInt(2_000);
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int rows = LakeFiles.rows(root).size();
            while (rows < Math.min(target, RECORDS) && System.nanoTime() < waitUntil) {
                TimeUnit.MILLISECONDS.sleep(100);
                rows = LakeFiles.rows(root).size();
            }
            if (rows >= RECORDS) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(random.nextInt(800));
            log.info("Killing the worker with {} rows committed", rows);
            worker.kill();
            kills++;
            rowsAtLastKill = rows;
            worker = WorkerProcess.start(kafka.bootstrapServers(), group, Map.of());
            worker.awaitRunning("lake-crash", 2, Duration.ofSeconds(90));
        }
        producing.get(180, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (LakeFiles.rows(root).size() < RECORDS && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1);
        }

        List<Map<String, Object>> rows = LakeFiles.rows(root);
        Map<String, Integer> copies = new HashMap<>();
        for (Map<String, Object> row : rows) {
            copies.merge(row.get("kafka_partition") + "@" + row.get("kafka_offset"), 1, Integer::sum);
        }
        long duplicates = copies.values().stream().filter(count -> count > 1).count();
        log.info("{} kills (the last with {} rows committed); {} rows, {} distinct, {} duplicated", kills, rowsAtLastKill,
                rows.size(), copies.size(), duplicates);
        assertThat(kills).as("kills while the sink was still writing").isGreaterThanOrEqualTo(5);
        assertThat(duplicates).as("records written twice").isZero();
        assertThat(copies).as("distinct records in the lake").hasSize(RECORDS);
        assertThat(rows).hasSize(RECORDS);
        assertThat(rows.stream().map(row -> row.get("seq")).distinct()).hasSize(RECORDS);
    }
}
