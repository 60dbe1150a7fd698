package io.iotconnect.bench.datalake;

import com.azure.core.util.Context;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.options.DataLakePathCreateOptions;
import io.iotconnect.bench.Rounds;
import io.iotconnect.bench.ThreadCpu;
import io.iotconnect.datalake.DataLakeSinkConnector;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.format.AvroRows;
import io.iotconnect.datalake.format.RowSchemas;
import io.iotconnect.testing.ConnectTestCluster;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.PluginMetricsJmx;
import io.iotconnect.testing.Readings;
import io.iotconnect.testing.Readings.Reading;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;

import javax.management.ObjectName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Kafka to ADLS Gen2 Parquet throughput, in one run against one in-repo ADLS Gen2 endpoint ({@link DataLakeServer},
 * backed by a directory, spoken to by the real SDK): the Data Lake sink on a real Connect worker (an in-process
 * {@link EmbeddedConnectCluster}, as the cosmos-sink benchmark runs its connector; {@code --tasks} tasks over as many
 * topic partitions, default 1) against a plain program that reads the same records from Kafka and writes the same
 * rows into the same files without Connect, and against that program's file writing alone (rows from memory).
 *
 * <p>All three write {@link Readings#fleet} readings (records/50 devices, one reading a minute each, 50 minutes that fall in
 * one hourly directory) as Parquet with parquet-avro, snappy, the connector's default row group and page size, in
 * files of {@code --rotate} records (default 50,000) under the connector's default template
 * ({@code ${topic}/dt=yyyy-MM-dd/hour=HH}), uploaded by create, appends of the connector's default upload buffer
 * (4 MB) and a flush, to a temporary path, then renamed into place refusing to overwrite.
 *
 * <ul>
 *   <li><b>connector</b>: the readings are produced first as Structs serialized by {@code JsonConverter} with
 *   schemas (key = device id, Kafka timestamp = reading time; device {@code d} on partition {@code d % tasks}), and the
 *   sink reads them with the same converter. It runs on an empty topic until its consumer group has settled, is
 *   paused while the records are produced, and is resumed for the timed run: from the first data file created at the
 *   endpoint to the moment the tasks' {@code records-written-total} (records in committed files) reaches the count.
 *   One more record per partition follows the timed ones (not counted; it stays in an open file), from when a full
 *   file was finished only by the next record for its directory. Its own state (the per-partition
 *   index, replaced at every commit) is part of its work.</li>
 *   <li><b>raw SDK</b>: a plain program doing the same work without Connect: one thread per partition reads the same
 *   records (produced the same way to a topic of its own) with a {@code KafkaConsumer}, turns each value into a
 *   Struct with the same converter, builds its Avro row by hand (same Avro schema, which is checked against the one
 *   the connector derives), writes the rows with {@code AvroParquetWriter} streamed to {@code DataLakeFileClient}
 *   appends, renames each finished file into place and commits its next offset to Kafka. Timed from its first file
 *   created to its last rename.</li>
 *   <li><b>raw SDK from memory</b>: the same files from rows built in memory from the readings, with no Kafka and no
 *   converter: the cost of the Parquet files alone, printed per round and as a median, not in the result line.</li>
 * </ul>
 *
 * <p>After each run the committed files are read back from the endpoint's directory: the row count of every file
 * must be {@code --rotate} and the total the record count. Each run writes into a fresh file system, deleted
 * afterwards; every run starts after the machine has been left alone for 2 s. The series take turns at going first;
 * the median of each is reported, with MB/s of committed Parquet on the line before the last, and last:
 * {@code datalake-sink: connector <N> rec/s, raw SDK <M> rec/s, ratio <R>}. With {@code --profile}, each run also
 * prints where the CPU went: idle share of the machine, GC, and this JVM's CPU per record by thread group (the
 * endpoint's threads, {@code datalake-server-#}, included).
 */
public final class DataLakeSinkBenchmark {

    /** The readings of a run span this many minutes (one a minute per device), all in one hour directory. */
    private static final int MINUTES = 50;
    /** Every timed run starts after the machine has been left alone this long. */
    private static final long SETTLE_MS = 2_000;
    private static final String WRITTEN = "records-written-total";
    private static final String TOPICS_DIR = "topics";
    /** The connector's default template below the topic, {@code dt=${time:yyyy-MM-dd}/hour=${time:HH}}, in UTC. */
    private static final DateTimeFormatter HOUR_DIRECTORY = DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd'/hour='HH", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final int ROW_GROUP_BYTES = (Integer) DataLakeSinkConfig.CONFIG_DEF.defaultValues()
            .get(DataLakeSinkConfig.PARQUET_ROW_GROUP_BYTES_CONFIG);
    private static final int UPLOAD_BUFFER_BYTES = (Integer) DataLakeSinkConfig.CONFIG_DEF.defaultValues()
            .get(DataLakeSinkConfig.UPLOAD_BUFFER_CONFIG);
    /** As the connector sizes its pages. */
    private static final int PAGE_BYTES = Math.min(1024 * 1024, ROW_GROUP_BYTES);

    private final DataLakeServer lake;
    private final EmbeddedConnectCluster connect;
    private final DataLakeServiceClient client;
    private final int records;
    private final int tasks;
    private final int rotate;
    private final boolean profile;
    private final int devices;
    private final List<Reading> readings;
    /** The readings of each partition, in offset order. */
    private final List<List<Reading>> partitions = new ArrayList<>();
    /** The time of the record after the timed ones in each partition: in the same hour, after every reading. */
    private final long nextRecordTime;
    private final Schema rowSchema;
    private final Schema locationSchema;
    /** The size of a JsonConverter value with its schema, as the connector reads it. */
    private int valueBytes;

    /** One run of one series: records/s, committed Parquet bytes/s and what was committed. */
    private record Result(double recordsPerSecond, double bytesPerSecond, Committed committed) {
    }

    /** The committed data files of a file system, read back from the endpoint's directory. */
    private record Committed(int files, long rows, long bytes, long minBytes, long maxBytes) {
        String describe() {
            return String.format(Locale.ROOT, "%d files of %.3f MB", files, bytes / 1e6 / Math.max(1, files))
                    + (minBytes == maxBytes ? "" : String.format(Locale.ROOT, " (%.3f-%.3f)", minBytes / 1e6, maxBytes / 1e6));
        }
    }

    /** One run of one series. */
    private interface Run {
        void run() throws Exception;
    }

    private DataLakeSinkBenchmark(int records, int tasks, int rotate, boolean profile) {
        this.records = records;
        this.tasks = tasks;
        this.rotate = rotate;
        this.profile = profile;
        this.devices = records / MINUTES;
        // The previous hour: Kafka refuses timestamps more than an hour ahead, and every reading lands in one directory.
        Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(1, ChronoUnit.HOURS);
        long end = hour.plus(MINUTES + 5, ChronoUnit.MINUTES).toEpochMilli();
        this.readings = Readings.fleet(records, devices, end, 42);
        this.nextRecordTime = end;
        for (int p = 0; p < tasks; p++) {
            partitions.add(new ArrayList<>(records / tasks));
        }
        for (int i = 0; i < records; i++) {
            partitions.get(partitionOf(i)).add(readings.get(i));
        }
        this.locationSchema = Schema.createRecord("struct_1", null, null, false,
                List.of(optional("lat", Schema.create(Schema.Type.DOUBLE)), optional("lon", Schema.create(Schema.Type.DOUBLE))));
        this.rowSchema = readingSchema(locationSchema);
        checkSameSchema();
        this.lake = DataLakeServer.start();
        this.connect = ConnectTestCluster.start("datalake-bench", 1);
        this.client = new DataLakeServiceClientBuilder().endpoint(lake.endpoint())
                .credential(new StorageSharedKeyCredential(lake.accountName(), lake.accountKey())).buildClient();
    }

    private int partitionOf(int reading) {
        return (reading % devices) % tasks;
    }

    public static void main(String[] args) throws Exception {
        int records = 200_000;
        int rounds = 3;
        int warmups = 2;
        int tasks = 1;
        int rotate = 50_000;
        boolean profile = false;
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
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmups" -> warmups = Integer.parseInt(args[i + 1]);
                case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
                case "--rotate" -> rotate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --records N --rounds R --warmups W --tasks T --rotate N --profile");
            }
        }
        // Every file full: a partial last file would wait for the wall-clock rotation, which times nothing but a clock.
        if (tasks < 1 || rotate < 1 || records % (tasks * rotate) != 0 || records % MINUTES != 0 || (records / MINUTES) % tasks != 0) {
            throw new IllegalArgumentException("--records must be a multiple of --tasks x --rotate (" + tasks + " x " + rotate
                    + ") and of " + MINUTES + " x --tasks, so that every partition gets whole files");
        }
        DataLakeSinkBenchmark bench = new DataLakeSinkBenchmark(records, tasks, rotate, profile);
        try {
            System.out.printf(Locale.ROOT, "datalake-sink benchmark: %d readings of %d devices per round, Parquet (snappy, row "
                    + "groups of %d MB, appends of %d MB) in files of %d records, connector with %d task(s) and "
                    + "JsonConverter with schemas (values of %d bytes), %d round(s) after %d warm-up round(s), local ADLS Gen2 "
                    + "endpoint %s%n", records, bench.devices, ROW_GROUP_BYTES >> 20, UPLOAD_BUFFER_BYTES >> 20, rotate, tasks,
                    bench.valueBytes, rounds, warmups, bench.lake.endpoint());
            for (int warmup = 1; warmup <= warmups; warmup++) {
                Result connector = bench.connectorRound("warmup-" + warmup);
                Result raw = bench.rawKafkaRound("warmup-" + warmup);
                Result memory = bench.rawMemoryRound("warmup-" + warmup);
                System.out.printf(Locale.ROOT, "  warm-up %d: connector %.0f rec/s, raw SDK %.0f rec/s, raw SDK from memory "
                        + "%.0f rec/s (not counted)%n", warmup, connector.recordsPerSecond(), raw.recordsPerSecond(),
                        memory.recordsPerSecond());
            }
            Result[] connector = new Result[rounds];
            Result[] raw = new Result[rounds];
            Result[] memory = new Result[rounds];
            for (int round = 0; round < rounds; round++) {
                String name = Integer.toString(round + 1);
                int index = round;
                List<Run> runs = new ArrayList<>(List.of(
                        () -> connector[index] = bench.connectorRound(name),
                        () -> raw[index] = bench.rawKafkaRound(name),
                        () -> memory[index] = bench.rawMemoryRound(name)));
                // Each series goes first in turn.
                java.util.Collections.rotate(runs, round);
                for (Run run : runs) {
                    run.run();
                }
                System.out.printf(Locale.ROOT, "  round %d: connector %.0f rec/s (%.2f MB/s, %s), raw SDK %.0f rec/s (%.2f MB/s, "
                        + "%s), raw SDK from memory %.0f rec/s%n", round + 1, connector[round].recordsPerSecond(),
                        connector[round].bytesPerSecond() / 1e6, connector[round].committed().describe(),
                        raw[round].recordsPerSecond(), raw[round].bytesPerSecond() / 1e6, raw[round].committed().describe(),
                        memory[round].recordsPerSecond());
            }
            double[] connectorRates = rates(connector, false);
            double[] rawRates = rates(raw, false);
            double[] memoryRates = rates(memory, false);
            double connectorMedian = Rounds.median(connectorRates);
            double rawMedian = Rounds.median(rawRates);
            double memoryMedian = Rounds.median(memoryRates);
            System.out.printf(Locale.ROOT, "  spread: connector %.0f-%.0f rec/s, raw SDK %.0f-%.0f rec/s, raw SDK from memory "
                            + "%.0f-%.0f rec/s%n", Rounds.min(connectorRates), Rounds.max(connectorRates), Rounds.min(rawRates),
                    Rounds.max(rawRates), Rounds.min(memoryRates), Rounds.max(memoryRates));
            System.out.printf(Locale.ROOT, "  without Kafka and the converter (rows built in memory): raw SDK %.0f rec/s, "
                    + "connector/that %.2f%n", memoryMedian, connectorMedian / memoryMedian);
            System.out.printf(Locale.ROOT, "  committed Parquet: connector %.2f MB/s, raw SDK %.2f MB/s (medians)%n",
                    Rounds.median(rates(connector, true)) / 1e6, Rounds.median(rates(raw, true)) / 1e6);
            System.out.printf(Locale.ROOT, "datalake-sink: connector %.0f rec/s, raw SDK %.0f rec/s, ratio %.2f%n",
                    connectorMedian, rawMedian, connectorMedian / rawMedian);
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    private static double[] rates(Result[] results, boolean bytes) {
        double[] rates = new double[results.length];
        for (int i = 0; i < results.length; i++) {
            rates[i] = bytes ? results[i].bytesPerSecond() : results[i].recordsPerSecond();
        }
        return rates;
    }

    // ---- the connector ----

    private Result connectorRound(String round) throws Exception {
        String name = "connector-" + round;
        String topic = "lake-" + round;
        DataLakeFileSystemClient fileSystem = freshFileSystem(name);
        connect.kafka().createTopic(topic, tasks);
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", DataLakeSinkConnector.class.getName());
        props.put("tasks.max", Integer.toString(tasks));
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "true");
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, lake.endpoint());
        props.put(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, lake.accountKey());
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, name);
        props.put(DataLakeSinkConfig.TOPICS_DIR_CONFIG, TOPICS_DIR);
        props.put(DataLakeSinkConfig.FORMAT_CONFIG, "parquet");
        props.put(DataLakeSinkConfig.COMPRESSION_CONFIG, "snappy");
        props.put(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, Integer.toString(rotate));
        // The rest as shipped: default template (hourly directories), row groups, upload buffer, markers, schedule.
        connect.configureConnector(name, props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks, "benchmark connector did not start");
        awaitStableGroup("connect-" + name, tasks);
        List<ObjectName> metrics = awaitMetrics(name, tasks);
        connect.pauseConnector(name);
        connect.assertions().assertConnectorAndExactlyNumTasksArePaused(name, tasks, "benchmark connector did not pause");
        produce(topic);
        TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
        long createsBefore = lake.requests(DataLakeServer.Operation.CREATE);
        long[] requestsBefore = requestCounts();
        ThreadCpu cpu = new ThreadCpu("rec", null, null);
        connect.resumeConnector(name);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long first = 0;
        long end;
        while (true) {
            double written = written(metrics);
            long now = System.nanoTime();
            // Its first data file is created when its first record reaches the writer; recovery ran before the pause.
            if (first == 0 && lake.requests(DataLakeServer.Operation.CREATE) > createsBefore) {
                first = now;
            }
            if (written >= records) {
                end = now;
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException("the connector committed " + written + " of " + records + " records in 5 minutes");
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
        if (profile) {
            System.out.println("    connector: " + cpu.since(records) + String.format(Locale.ROOT,
                    "; commits %.0f ms on average, %.0f ms at most", maxOver(metrics, "commit-latency-avg-ms"),
                    maxOver(metrics, "commit-latency-max-ms")) + "; requests: " + requestsSince(requestsBefore));
        }
        connect.deleteConnector(name);
        Committed committed = verify(name);
        fileSystem.delete();
        connect.kafka().deleteTopic(topic);
        double seconds = Math.max((end - first) / 1e9, 1e-3);
        return new Result(records / seconds, committed.bytes() / seconds, committed);
    }

    private void produce(String topic) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < records; i++) {
                send(producer, converter, topic, partitionOf(i), readings.get(i));
            }
            // The record that finishes each partition's last full file (not timed, not counted).
            for (int p = 0; p < tasks; p++) {
                send(producer, converter, topic, p, new Reading(String.format(Locale.ROOT, "dev-%05d", p), nextRecordTime,
                        21.0, 45.0, 1013.0, 300L));
            }
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, JsonConverter converter, String topic, int partition,
                             Reading reading) {
        byte[] value = converter.fromConnectData(topic, Readings.SCHEMA, reading.struct(Readings.SCHEMA));
        producer.send(new ProducerRecord<>(topic, partition, reading.ts(), reading.deviceId(), value));
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

    /** The MBeans holding each task's records-written-total, found once so that the polling loop reads attributes only. */
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

    private static double maxOver(List<ObjectName> tasks, String attribute) throws Exception {
        double max = 0;
        for (ObjectName task : tasks) {
            max = Math.max(max, PluginMetricsJmx.value(task, attribute));
        }
        return max;
    }

    // ---- the raw SDK ----

    /**
     * A plain program doing the connector's work without Connect: one thread per partition reads the topic with a
     * {@code KafkaConsumer} (Connect's consumer defaults: 500 records a poll, offsets committed by the program), turns
     * each value into a Struct with the same converter, builds its Avro row by hand, writes the rows into files per
     * hour directory, a new file every {@code rotate} rows, renames each finished file into place and then commits the
     * next offset to Kafka (at least once: what such a program keeps to resume). Timed from its first file created to
     * its last rename.
     */
    private Result rawKafkaRound(String round) throws Exception {
        String name = "raw-kafka-" + round;
        String topic = "raw-lake-" + round;
        DataLakeFileSystemClient fileSystem = freshFileSystem(name);
        connect.kafka().createTopic(topic, tasks);
        produce(topic);
        AtomicLong firstCreated = new AtomicLong();
        Result result = timedRaw(name, fileSystem, firstCreated, partition -> consumePartition(fileSystem, topic, partition,
                firstCreated));
        connect.kafka().deleteTopic(topic);
        return result;
    }

    /**
     * The same files written from rows built in memory from the readings, with no Kafka and no converter: what writing
     * the Parquet files alone costs here. Timed from its start to its last rename.
     */
    private Result rawMemoryRound(String round) throws Exception {
        String name = "raw-" + round;
        DataLakeFileSystemClient fileSystem = freshFileSystem(name);
        return timedRaw(name, fileSystem, null, partition -> writePartition(fileSystem, name, partition, partitions.get(partition)));
    }

    /** One partition's work in a raw series. */
    private interface PartitionWork {
        void run(int partition) throws Exception;
    }

    /**
     * Runs {@code work} for every partition on a thread of its own, timed from the first file created (or the start,
     * when {@code firstCreated} is null) to the end, and verifies the files.
     */
    private Result timedRaw(String name, DataLakeFileSystemClient fileSystem, AtomicLong firstCreated, PartitionWork work)
            throws Exception {
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(tasks, runnable -> new Thread(runnable,
                "raw-writer-" + threadNumber.incrementAndGet()));
        try {
            TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
            long[] requestsBefore = requestCounts();
            ThreadCpu cpu = new ThreadCpu("rec", null, null);
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < tasks; p++) {
                int partition = p;
                done.add(writers.submit(() -> {
                    work.run(partition);
                    return null;
                }));
            }
            for (Future<?> partition : done) {
                partition.get();
            }
            long end = System.nanoTime();
            if (firstCreated != null && firstCreated.get() != 0) {
                start = firstCreated.get();
            }
            if (profile) {
                System.out.println("    " + name + ": " + cpu.since(records) + "; requests: " + requestsSince(requestsBefore));
            }
            Committed committed = verify(name);
            fileSystem.delete();
            double seconds = Math.max((end - start) / 1e9, 1e-3);
            return new Result(records / seconds, committed.bytes() / seconds, committed);
        } finally {
            writers.shutdownNow();
        }
    }

    /** Reads one partition's timed records from Kafka into files, as {@link #rawKafkaRound} describes. */
    private void consumePartition(DataLakeFileSystemClient fileSystem, String topic, int partition, AtomicLong firstCreated)
            throws IOException {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        TopicPartition assigned = new TopicPartition(topic, partition);
        int expected = records / tasks;
        Map<String, RawFile> open = new LinkedHashMap<>();
        Set<String> directories = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(assigned));
            int consumed = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (consumed < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(assigned + ": read " + consumed + " of " + expected + " records in 5 minutes");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    if (consumed == expected) {
                        break;
                    }
                    // What a plain program takes from each record: its key, its value as a Struct, its timestamp.
                    String device = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                    Struct value = (Struct) converter.toConnectData(topic, record.value()).value();
                    String directory = topic + "/" + HOUR_DIRECTORY.format(Instant.ofEpochMilli(record.timestamp()));
                    RawFile file = open.get(directory);
                    if (file == null) {
                        file = new RawFile(fileSystem, topic, partition, directory, record.offset());
                        firstCreated.compareAndSet(0, System.nanoTime());
                        open.put(directory, file);
                    }
                    file.write(row(value, device));
                    consumed++;
                    if (file.rows == rotate) {
                        file.commit(fileSystem, directories);
                        open.remove(directory);
                        consumer.commitSync(Map.of(assigned, new OffsetAndMetadata(record.offset() + 1)));
                    }
                }
            }
        }
        if (!open.isEmpty()) {
            throw new IllegalStateException(assigned + ": " + open.size() + " files left unfinished");
        }
    }

    /** Rows into files per hour directory, a new file every {@code rotate} rows, as the connector splits a partition. */
    private void writePartition(DataLakeFileSystemClient fileSystem, String topic, int partition, List<Reading> rows)
            throws IOException {
        Map<String, RawFile> open = new LinkedHashMap<>();
        Set<String> directories = new HashSet<>();
        long offset = 0;
        for (Reading reading : rows) {
            String directory = topic + "/" + HOUR_DIRECTORY.format(Instant.ofEpochMilli(reading.ts()));
            RawFile file = open.get(directory);
            if (file != null && file.rows == rotate) {
                file.commit(fileSystem, directories);
                file = null;
            }
            if (file == null) {
                file = new RawFile(fileSystem, topic, partition, directory, offset);
                open.put(directory, file);
            }
            file.write(row(reading));
            offset++;
        }
        for (RawFile file : open.values()) {
            file.commit(fileSystem, directories);
        }
    }

    /** A file being written: at a temporary path until {@link #commit} renames it to its name of topic, partition and offset. */
    private final class RawFile {
        private final String tempPath;
        private final String finalPath;
        private final ParquetWriter<GenericRecord> writer;
        private int rows;

        RawFile(DataLakeFileSystemClient fileSystem, String topic, int partition, String directory, long startOffset)
                throws IOException {
            tempPath = TOPICS_DIR + "/_tmp/raw/" + topic + "/" + partition + "/" + UUID.randomUUID() + ".parquet";
            finalPath = TOPICS_DIR + "/" + directory + "/" + topic + "+" + partition + "+"
                    + String.format(Locale.ROOT, "%019d", startOffset) + ".parquet";
            DataLakeFileClient file = fileSystem.getFileClient(tempPath);
            file.createWithResponse(new DataLakePathCreateOptions(), null, Context.NONE);
            writer = AvroParquetWriter.<GenericRecord>builder(new AppendOutputFile(file, UPLOAD_BUFFER_BYTES))
                    .withSchema(rowSchema)
                    .withConf(new Configuration(false))
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize((long) ROW_GROUP_BYTES)
                    .withPageSize(PAGE_BYTES)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .build();
        }

        void write(GenericRecord row) throws IOException {
            writer.write(row);
            rows++;
        }

        /** Closes the Parquet file (its last appends and the flush), then renames it into place unless the name is taken. */
        void commit(DataLakeFileSystemClient fileSystem, Set<String> directories) throws IOException {
            writer.close();
            String directory = finalPath.substring(0, finalPath.lastIndexOf('/'));
            // A rename does not create the destination's directory.
            if (directories.add(directory)) {
                fileSystem.getDirectoryClient(directory).createIfNotExists();
            }
            fileSystem.getFileClient(tempPath).renameWithResponse(null, finalPath, null,
                    new DataLakeRequestConditions().setIfNoneMatch("*"), null, Context.NONE);
        }
    }

    /** A reading's row from its Struct, field by field, as a plain program reading these values would build it. */
    private GenericRecord row(Struct value, String device) {
        Struct place = value.getStruct("location");
        GenericData.Record location = null;
        if (place != null) {
            location = new GenericData.Record(locationSchema);
            location.put(0, place.getFloat64("lat"));
            location.put(1, place.getFloat64("lon"));
        }
        java.util.Date ts = (java.util.Date) value.get("ts");
        String deviceId = value.getString("deviceId");
        GenericData.Record row = new GenericData.Record(rowSchema);
        row.put(0, deviceId == null ? device : deviceId);
        row.put(1, ts == null ? null : ts.getTime());
        row.put(2, value.getFloat64("temperature"));
        row.put(3, value.getFloat64("humidity"));
        row.put(4, value.getFloat64("pressure"));
        row.put(5, value.getInt64("light"));
        row.put(6, value.getInt64("count"));
        row.put(7, value.getString("status"));
        row.put(8, location);
        return row;
    }

    private GenericRecord row(Reading reading) {
        GenericData.Record location = new GenericData.Record(locationSchema);
        location.put(0, 52.37);
        location.put(1, 4.89);
        GenericData.Record row = new GenericData.Record(rowSchema);
        row.put(0, reading.deviceId());
        row.put(1, reading.ts());
        row.put(2, reading.temperature());
        row.put(3, reading.humidity());
        row.put(4, reading.pressure());
        row.put(5, reading.light());
        row.put(6, 1L);
        row.put(7, "ok");
        row.put(8, location);
        return row;
    }

    /** The Avro schema of a reading, written by hand as a plain program would; the nested record has the connector's name. */
    private static Schema readingSchema(Schema location) {
        Schema string = Schema.create(Schema.Type.STRING);
        Schema number = Schema.create(Schema.Type.DOUBLE);
        Schema integer = Schema.create(Schema.Type.LONG);
        return Schema.createRecord("reading", null, null, false, List.of(
                optional("deviceId", string),
                optional("ts", LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG))),
                optional("temperature", number),
                optional("humidity", number),
                optional("pressure", number),
                optional("light", integer),
                optional("count", integer),
                optional("status", string),
                optional("location", location)));
    }

    private static Schema.Field optional(String name, Schema type) {
        return new Schema.Field(name, Schema.createUnion(Schema.create(Schema.Type.NULL), type), null, JsonProperties.NULL_VALUE);
    }

    /** Fails unless the raw rows have the Avro schema the connector gives a reading that came through JsonConverter. */
    private void checkSameSchema() {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        byte[] sample = converter.fromConnectData("t", Readings.SCHEMA, readings.get(0).struct(Readings.SCHEMA));
        valueBytes = sample.length;
        org.apache.kafka.connect.data.Schema delivered = converter.toConnectData("t", sample).schema();
        Schema connectors = new AvroRows(RowSchemas.rowSchemaOf(delivered, null), Set.of(), "kafka_").avroSchema();
        if (!connectors.equals(rowSchema)) {
            throw new IllegalStateException("the raw rows' Avro schema\n  " + rowSchema + "\nis not the connector's\n  " + connectors);
        }
    }

    // ---- both ----

    private long[] requestCounts() {
        DataLakeServer.Operation[] operations = DataLakeServer.Operation.values();
        long[] counts = new long[operations.length];
        for (int i = 0; i < operations.length; i++) {
            counts[i] = lake.requests(operations[i]);
        }
        return counts;
    }

    /** The endpoint's requests since {@code before}, by operation. */
    private String requestsSince(long[] before) {
        long[] now = requestCounts();
        List<String> parts = new ArrayList<>();
        DataLakeServer.Operation[] operations = DataLakeServer.Operation.values();
        for (int i = 0; i < operations.length; i++) {
            if (operations[i] != DataLakeServer.Operation.ANY && now[i] > before[i]) {
                parts.add(operations[i].name().toLowerCase(Locale.ROOT) + " " + (now[i] - before[i]));
            }
        }
        return String.join(", ", parts);
    }

    private DataLakeFileSystemClient freshFileSystem(String name) {
        DataLakeFileSystemClient fileSystem = client.getFileSystemClient(name);
        fileSystem.createIfNotExists();
        return fileSystem;
    }

    /**
     * Reads the committed data files of a file system from the endpoint's directory (names starting with '_' skipped,
     * as readers skip them) and fails unless each holds {@code rotate} rows and all together the record count.
     */
    private Committed verify(String fileSystem) throws IOException {
        Path root = lake.root().resolve(fileSystem).resolve(TOPICS_DIR);
        List<Path> files;
        try (Stream<Path> paths = Files.walk(root)) {
            files = paths.filter(Files::isRegularFile)
                    .filter(file -> noHiddenSegment(root.relativize(file)))
                    .filter(file -> file.getFileName().toString().endsWith(".parquet"))
                    .sorted().toList();
        }
        long rows = 0;
        long bytes = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        for (Path file : files) {
            long fileRows;
            try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                fileRows = reader.getRecordCount();
            }
            if (fileRows != rotate) {
                throw new IllegalStateException(fileSystem + ": " + root.relativize(file) + " holds " + fileRows + " rows, not "
                        + rotate);
            }
            long size = Files.size(file);
            rows += fileRows;
            bytes += size;
            min = Math.min(min, size);
            max = Math.max(max, size);
        }
        if (rows != records) {
            throw new IllegalStateException(fileSystem + " holds " + rows + " rows in " + files.size() + " files, not " + records);
        }
        return new Committed(files.size(), rows, bytes, min, max);
    }

    private static boolean noHiddenSegment(Path relative) {
        for (Path segment : relative) {
            if (segment.toString().startsWith("_") || segment.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private void close() {
        connect.stop();
        lake.close();
    }
}
