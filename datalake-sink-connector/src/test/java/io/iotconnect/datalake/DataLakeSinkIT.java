package io.iotconnect.datalake;

import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.PluginMetricsJmx;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ADLS Gen2 sink on a real Connect cluster writing to the in-repo ADLS Gen2 endpoint, read back the way a data
 * engineer does: each format with its own reader, and Parquet through DuckDB's JDBC driver.
 */
class DataLakeSinkIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final long T0 = Instant.parse("2026-12-01T05:00:00Z").toEpochMilli();
    private static final int DEVICES = 12;

    private static DataLakeServer lake;
    private static EmbeddedConnectCluster connect;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        lake = servers.add(DataLakeServer.start());
        connect = servers.connect("datalake-it", 2);
    }

    private static Map<String, String> sinkProps(String topic, String fileSystem) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", DataLakeSinkConnector.class.getName());
        props.put("tasks.max", "2");
        props.put("topics", topic);
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter.schemas.enable", "false");
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, lake.endpoint());
        props.put(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, lake.accountKey());
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, fileSystem);
        props.put(DataLakeSinkConfig.FILESYSTEM_CREATE_CONFIG, "true");
        props.put(DataLakeSinkConfig.TIME_FIELD_CONFIG, "ts");
        props.put(DataLakeSinkConfig.COLUMNS_CONFIG, "partition,offset");
        props.put(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "250");
        props.put(DataLakeSinkConfig.ROTATE_SCHEDULE_CONFIG, "2000");
        return props;
    }

    /** Reading {@code seq}: one device of twelve, an hour of readings every 600. */
    private static String reading(int seq) {
        return "{\"deviceId\":\"dev-" + seq % DEVICES + "\",\"ts\":" + (T0 + seq * 6_000L) + ",\"temperature\":"
                + (20 + seq % 9) + ".5,\"humidity\":" + (40 + seq % 5) + ",\"seq\":" + seq + "}";
    }

    private static Path topicsDir(String fileSystem) {
        return lake.root().resolve(fileSystem).resolve("topics");
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

    private static double metric(String connector, String name) {
        try {
            return PluginMetricsJmx.total(connector, name);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the metrics of " + connector, e);
        }
    }

    private static Connection duckDb() throws SQLException {
        Connection connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = connection.createStatement()) {
            // Fail at once if a query needs an extension that is not built in (no network here).
            statement.execute("SET autoinstall_known_extensions=false");
            statement.execute("SET autoload_known_extensions=false");
        }
        return connection;
    }

    @Test
    void everyRecordLandsOnceWhereTheTemplateSaysAndDuckDbReadsIt() throws Exception {
        connect.kafka().createTopic("readings", 3);
        int records = 3_000;
        for (int seq = 0; seq < records; seq++) {
            connect.kafka().produce("readings", "dev-" + seq % DEVICES, reading(seq));
        }
        Map<String, String> props = sinkProps("readings", "lake-it");
        props.put(DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        connect.configureConnector("lake-sink", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("lake-sink", 2, "sink did not start");
        Path root = topicsDir("lake-it");
        await("3000 rows are committed", () -> LakeFiles.rows(root).size() >= records);

        List<Path> files = LakeFiles.dataFiles(root);
        assertThat(files).allSatisfy(file -> assertThat(root.relativize(file).toString())
                .matches("readings/dt=2026-12-0[1-2]/hour=\\d\\d/readings\\+[0-2]\\+\\d{19}\\.parquet"));
        try (Connection db = duckDb(); Statement sql = db.createStatement()) {
            String glob = "read_parquet('" + root + "/readings/*/*/*.parquet', hive_partitioning=true)";
            try (ResultSet rs = sql.executeQuery("SELECT count(*), count(DISTINCT (kafka_partition, kafka_offset)), "
                    + "count(DISTINCT seq), min(dt), typeof(any_value(temperature)), typeof(any_value(ts)) FROM " + glob)) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows").isEqualTo(records);
                assertThat(rs.getLong(2)).as("distinct Kafka records").isEqualTo(records);
                assertThat(rs.getLong(3)).as("distinct readings").isEqualTo(records);
                assertThat(rs.getString(4)).isEqualTo("2026-12-01");
                assertThat(rs.getString(5)).isEqualTo("DOUBLE");
                assertThat(rs.getString(6)).isEqualTo("BIGINT");
            }
            Map<String, double[]> expected = new TreeMap<>();
            for (int seq = 0; seq < records; seq++) {
                double[] sums = expected.computeIfAbsent("dev-" + seq % DEVICES, d -> new double[2]);
                sums[0]++;
                sums[1] += 20 + seq % 9 + 0.5;
            }
            Map<String, double[]> actual = new TreeMap<>();
            try (ResultSet rs = sql.executeQuery("SELECT deviceId, count(*), avg(temperature) FROM " + glob + " GROUP BY deviceId")) {
                while (rs.next()) {
                    actual.put(rs.getString(1), new double[]{rs.getLong(2), rs.getDouble(3)});
                }
            }
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            expected.forEach((device, sums) -> {
                assertThat(actual.get(device)[0]).as(device + " rows").isEqualTo(sums[0]);
                assertThat(actual.get(device)[1]).as(device + " average").isCloseTo(sums[1] / sums[0], org.assertj.core.data.Offset.offset(1e-9));
            });
        }
        // The topic's id, read by the connector's own admin client, is in the partition's index and on its claim.
        String topicId = connect.kafka().describeTopics("readings").get("readings").orElseThrow().topicId().toString();
        assertThat(Files.readString(root.resolve("_index/lake-sink/readings/0.json"))).contains("\"topicId\":\"" + topicId + "\"");
        assertThat(Files.readString(root.resolve("_owners/readings/2.json"))).contains("lake-sink").contains(topicId);
        // Summed over the tasks (more only if a rebalance at start replayed some); files of 250 rows at most.
        await("the tasks' metrics count every row", () -> metric("lake-sink", "records-written-total") >= records);
        assertThat(metric("lake-sink", "files-committed-total")).isGreaterThanOrEqualTo(records / 250.0);
        assertThat(metric("lake-sink", "records-failed-total")).isZero();
        // Every hour of the data is complete: the slowest partition has moved past all but the last.
        await("the completeness markers of the finished hours are written",
                () -> Files.exists(root.resolve("readings/dt=2026-12-01/hour=05/_SUCCESS")));
        assertThat(Files.exists(root.resolve("readings/dt=2026-12-01/hour=09/_SUCCESS"))).as("the last hour is open").isFalse();
        connect.deleteConnector("lake-sink");
    }

    @Test
    void avroAndJsonLinesFilesReadBackWithTheirOwnReaders() throws Exception {
        connect.kafka().createTopic("formats", 2);
        int records = 400;
        for (int seq = 0; seq < records; seq++) {
            connect.kafka().produce("formats", "dev-" + seq % DEVICES, reading(seq));
        }
        Map<String, String> avro = sinkProps("formats", "lake-avro");
        avro.put(DataLakeSinkConfig.FORMAT_CONFIG, "avro");
        avro.put(DataLakeSinkConfig.COMPRESSION_CONFIG, "deflate");
        Map<String, String> json = sinkProps("formats", "lake-json");
        json.put(DataLakeSinkConfig.FORMAT_CONFIG, "json");
        json.put(DataLakeSinkConfig.COMPRESSION_CONFIG, "gzip");
        json.put(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}/device=${value.deviceId}");
        connect.configureConnector("lake-avro", avro);
        connect.configureConnector("lake-json", json);
        await("400 Avro rows are committed", () -> LakeFiles.rows(topicsDir("lake-avro")).size() >= records);
        await("400 JSON rows are committed", () -> LakeFiles.rows(topicsDir("lake-json")).size() >= records);

        assertThat(LakeFiles.rows(topicsDir("lake-avro"))).hasSize(records)
                .allSatisfy(row -> assertThat(row.get("temperature")).isInstanceOf(Double.class));
        assertThat(LakeFiles.dataFiles(topicsDir("lake-json"))).allSatisfy(file -> assertThat(file.toString())
                .matches(".*/formats/device=dev-\\d+/formats\\+[01]\\+\\d{19}\\.json\\.gz"));
        try (Connection db = duckDb(); Statement sql = db.createStatement();
             ResultSet rs = sql.executeQuery("SELECT count(*), count(DISTINCT seq) FROM read_json_auto('" + topicsDir("lake-json")
                     + "/formats/*/*.json.gz', hive_partitioning=true)")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(records);
            assertThat(rs.getLong(2)).isEqualTo(records);
        }
        connect.deleteConnector("lake-avro");
        connect.deleteConnector("lake-json");
    }

    @Test
    void aRecordThatCannotBeWrittenGoesToTheDeadLetterQueueWithItsReason() throws Exception {
        connect.kafka().createTopic("poisoned", 1);
        connect.kafka().produce("poisoned", "dev-1", reading(1));
        connect.kafka().produce("poisoned", "dev-1", "{\"deviceId\":\"dev-1\",\"ts\":\"yesterday\"}");
        connect.kafka().produce("poisoned", "dev-1", reading(2));
        Map<String, String> props = sinkProps("poisoned", "lake-dlq");
        props.put("errors.tolerance", "all");
        props.put("errors.deadletterqueue.topic.name", "poisoned-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        props.put("errors.deadletterqueue.context.headers.enable", "true");
        connect.configureConnector("lake-dlq", props);
        await("2 rows are committed", () -> LakeFiles.rows(topicsDir("lake-dlq")).size() >= 2);

        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.readUntil(connect.kafka(), "poisoned-dlq", r -> r.size() >= 1, TIMEOUT);
        assertThat(dead).hasSize(1);
        String reason = new String(dead.get(0).headers().lastHeader("__connect.errors.exception.message").value());
        assertThat(reason).contains("poisoned-0@1").contains("'yesterday', not an ISO-8601 time");
        assertThat(connect.connectorStatus("lake-dlq").tasks()).allSatisfy(task -> assertThat(task.state()).isEqualTo("RUNNING"));
        connect.deleteConnector("lake-dlq");
    }

    @Test
    void storageStormsAreSurvivedWithNothingLostOrDoubled() throws Exception {
        connect.kafka().createTopic("stormy", 2);
        int records = 2_000;
        for (int seq = 0; seq < records; seq++) {
            connect.kafka().produce("stormy", "dev-" + seq % DEVICES, reading(seq));
        }
        Map<String, String> props = sinkProps("stormy", "lake-storm");
        props.put(DataLakeSinkConfig.RETRY_DELAY_MAX_CONFIG, "200");
        props.put(DataLakeSinkConfig.STORAGE_FAILURES_MAX_CONFIG, "50");
        // Files of 50 rows: enough requests (about 40 files' appends, flushes, index writes and renames) that the
        // storm's shares always add up to more than 20 faults, however fast the machine.
        props.put(DataLakeSinkConfig.ROTATE_RECORDS_CONFIG, "50");
        lake.injectShare(DataLakeServer.Fault.throttle(503, Duration.ofMillis(50)), DataLakeServer.Operation.ANY, 0.15);
        lake.injectShare(DataLakeServer.Fault.drop(), DataLakeServer.Operation.APPEND, 0.05);
        lake.injectShare(DataLakeServer.Fault.loseResponse(), DataLakeServer.Operation.RENAME, 0.1);
        try {
            connect.configureConnector("lake-storm", props);
            await("2000 rows are committed through the storm", () -> LakeFiles.rows(topicsDir("lake-storm")).size() >= records);
        } finally {
            lake.clearFaults();
        }
        assertThat(lake.faultsInjected()).isGreaterThan(20);
        List<Map<String, Object>> rows = LakeFiles.rows(topicsDir("lake-storm"));
        assertThat(rows).hasSize(records);
        assertThat(rows.stream().map(row -> row.get("kafka_partition") + "@" + row.get("kafka_offset")).distinct()).hasSize(records);
        assertThat(connect.connectorStatus("lake-storm").tasks()).allSatisfy(task -> assertThat(task.state()).isEqualTo("RUNNING"));
        connect.deleteConnector("lake-storm");
    }

    @Test
    void validationNamesTheKeyAndTheFix() {
        Map<String, String> props = sinkProps("any", "lake-x");
        props.put(DataLakeSinkConfig.FORMAT_CONFIG, "avro");
        props.put(DataLakeSinkConfig.COMPRESSION_CONFIG, "zstd");
        ConfigInfos result = connect.validateConnectorConfig(DataLakeSinkConnector.class.getSimpleName(), props);
        assertThat(errors(result)).containsEntry(DataLakeSinkConfig.COMPRESSION_CONFIG,
                List.of("avro files offer snappy, deflate, none; pick one of them, or leave it empty for snappy"));

        props = sinkProps("any", "Lake_X");
        props.put(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG, "${topic}/${time:HH-mm-ss}");
        props.remove(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG);
        Map<String, List<String>> errors = errors(connect.validateConnectorConfig(DataLakeSinkConnector.class.getSimpleName(), props));
        assertThat(errors.get(DataLakeSinkConfig.PATH_TEMPLATE_CONFIG)).singleElement().asString().contains("by the second");
        assertThat(errors.get(DataLakeSinkConfig.FILESYSTEM_CONFIG)).singleElement().asString().contains("not a file system name");
    }

    private static Map<String, List<String>> errors(ConfigInfos infos) {
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigInfo info : infos.configs()) {
            if (!info.configValue().errors().isEmpty()) {
                errors.put(info.configValue().name(), info.configValue().errors());
            }
        }
        return errors;
    }
}
