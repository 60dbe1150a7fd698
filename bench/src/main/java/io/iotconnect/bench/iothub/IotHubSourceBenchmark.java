package io.iotconnect.bench.iothub;

import io.iotconnect.bench.JfrProfile;
import io.iotconnect.bench.Rounds;
import io.iotconnect.bench.ThreadCpu;
import io.iotconnect.iothub.IotHubSourceConnector;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.testing.ConnectTestCluster;
import io.iotconnect.testing.EventHubsEndpoint;
import io.iotconnect.testing.EventHubsEndpoint.Event;
import io.iotconnect.testing.PluginMetricsJmx;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import javax.management.ObjectName;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * IoT Hub (Event Hubs-compatible endpoint) to Kafka throughput, in one run on one machine: the IoT Hub source
 * connector on a real Connect worker (an in-process {@link EmbeddedConnectCluster}, as the mqtt-source benchmark runs
 * its connector) against a raw bridge ({@link RawEventHubBridge}: a plain {@code EventHubConsumerAsyncClient} whose
 * events go to a {@code KafkaProducer} with the producer settings a worker gives a source task), both reading the same
 * events from one in-repo AMQP 1.0 endpoint ({@link EventHubsEndpoint}, the real SDK on the wire) in this JVM.
 *
 * <p>The events ({@code --events}, readings of about 120 bytes from 100 devices with what IoT Hub adds to telemetry:
 * device id, auth method, generation id, message source, enqueued time, content type and encoding) are published
 * into a hub of {@code --partitions} partitions once, before the rounds; every run reads all of them from the start
 * of each partition: the connector under a fresh name with {@code iothub.start.position=earliest}, the raw bridge
 * from {@code EventPosition.earliest()}. Both write key = device id, value = the body bytes, timestamp = enqueued
 * time and the same {@code iothub.*} headers, into a fresh topic of as many partitions. Each run is timed from the
 * first record visible in Kafka to the N-th (end offsets of the topic, polled every 20 ms).
 *
 * <p>Series: <b>connector</b> ({@code iothub.value.format=bytes}, {@code ByteArrayConverter}), <b>raw SDK</b>,
 * <b>connector json</b> (the body parsed into a Struct with an inferred schema and the reading's timestamp, written by
 * {@code JsonConverter} without schemas: work the raw bridge does not do) and, with {@code --eos}, <b>connector
 * exactly-once</b> (bytes, on a second in-process cluster whose worker has {@code exactly.once.source.support=enabled},
 * the connector with {@code exactly.once.support=required}; timed by the last stable offsets, so from the first
 * committed transaction to the last; afterwards the topic is read back {@code read_committed} and must hold N
 * records). {@code --tasks T} runs T connector tasks and T raw bridges (own client and producer each), partitions
 * dealt round-robin as the connector deals them. Warm-up rounds first; then the series take turns at going first;
 * each run starts after 2 s of leaving the machine alone; medians are reported. Last line:
 * {@code iothub-source: connector <N> ev/s, raw SDK <M> ev/s, ratio <R>}; the exactly-once rate on the line before.
 * {@code --profile} prints this JVM's CPU per event by thread group ({@link ThreadCpu}) for every run, with the
 * connector's average buffer fill and its reconnect and error-record counts; {@code --jfr} records each timed run with
 * JFR (files in {@code bench/target/jfr/}, summarized after each run). A run in which the endpoint's reactor thread
 * took more than {@value #ENDPOINT_STALL_MICROS} us of CPU per event is marked as an endpoint stall (see the README).
 */
public final class IotHubSourceBenchmark {

    private static final String HUB = "bench-telemetry";
    private static final int DEVICES = 100;
    private static final long SETTLE_MS = 2_000;
    private static final int PUBLISH_BLOCK = 1_000;
    private static final int SIZE_SAMPLE = 1_000;
    /** The endpoint's reactor thread takes 4-8 us of CPU per event; above this it is stuck in Proton-J's transport work. */
    private static final double ENDPOINT_STALL_MICROS = 20;
    private static final int PREFETCH = (Integer) IotHubSourceConfig.CONFIG_DEF.defaultValues().get(IotHubSourceConfig.PREFETCH_COUNT_CONFIG);

    private enum Series {
        CONNECTOR("connector", "bytes"),
        RAW("raw SDK", "raw"),
        JSON("connector json", "json"),
        EOS("connector exactly-once", "eos");

        final String label;
        final String id;

        Series(String label, String id) {
            this.label = label;
            this.id = id;
        }
    }

    /** One run: events/s, and the endpoint's CPU per event (its reactor thread, in this JVM). */
    private record Result(double eventsPerSecond, double endpointMicrosPerEvent) {
        /** The rate, marked when the endpoint spent far more CPU per event than it normally does (see the README). */
        String describe() {
            return String.format(Locale.ROOT, "%.0f ev/s", eventsPerSecond)
                    + (endpointMicrosPerEvent > ENDPOINT_STALL_MICROS
                    ? String.format(Locale.ROOT, " (endpoint stall: %.0f us CPU/ev)", endpointMicrosPerEvent) : "");
        }
    }

    private final int events;
    private final int partitions;
    private final int tasks;
    private final boolean profile;
    private final boolean jfr;
    private final EventHubsEndpoint endpoint;
    private final EmbeddedConnectCluster connect;
    private final Admin admin;
    private final EmbeddedConnectCluster eosConnect;
    private final Admin eosAdmin;
    private int bodyBytes;

    private IotHubSourceBenchmark(int events, int partitions, int tasks, boolean eos, boolean profile, boolean jfr) {
        this.events = events;
        this.partitions = partitions;
        this.tasks = tasks;
        this.profile = profile;
        this.jfr = jfr;
        this.endpoint = EventHubsEndpoint.builder().hub(HUB, partitions).start();
        this.connect = ConnectTestCluster.start("iothub-bench", 1);
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers()));
        if (eos) {
            this.eosConnect = startExactlyOnceCluster();
            this.eosAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, eosConnect.kafka().bootstrapServers()));
        } else {
            this.eosConnect = null;
            this.eosAdmin = null;
        }
        publish();
    }

    /** The worker settings of {@link ConnectTestCluster}, with exactly-once source support, on a broker that can hold transactions. */
    private static EmbeddedConnectCluster startExactlyOnceCluster() {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "hybrid_fail");
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "1000");
        workerProps.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG, "3000");
        workerProps.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("iothub-bench-eos")
                .numWorkers(1)
                .numBrokers(1)
                .brokerProps(broker)
                .workerProps(workerProps)
                .build();
        cluster.start();
        return cluster;
    }

    /** The readings, round-robin over the devices, published once in blocks to each device's partition. */
    private void publish() {
        long base = Instant.now().minus(Duration.ofHours(1)).toEpochMilli();
        for (int start = 0; start < events; start += PUBLISH_BLOCK) {
            int end = Math.min(events, start + PUBLISH_BLOCK);
            List<List<Event>> byDevice = new ArrayList<>();
            for (int d = 0; d < DEVICES; d++) {
                byDevice.add(new ArrayList<>());
            }
            for (int i = start; i < end; i++) {
                String device = device(i % DEVICES);
                String body = String.format(Locale.ROOT,
                        "{\"deviceId\":\"%s\",\"ts\":%d,\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,\"battery\":%.1f,\"status\":\"ok\"}",
                        device, base + i, 20 + (i % 70) / 10.0, 40 + (i % 200) / 10.0, 1013.2 - (i % 50) / 10.0, 87.5);
                bodyBytes = body.length();
                byDevice.get(i % DEVICES).add(Event.telemetry(device, body));
            }
            for (int d = 0; d < DEVICES; d++) {
                if (!byDevice.get(d).isEmpty()) {
                    endpoint.publishToDevicePartition(HUB, device(d), byDevice.get(d).toArray(Event[]::new));
                }
            }
        }
        long stored = endpoint.partitionIds(HUB).stream().mapToLong(p -> endpoint.eventCount(HUB, p)).sum();
        if (stored != events) {
            throw new IllegalStateException("the endpoint holds " + stored + " events, not " + events);
        }
    }

    private static String device(int d) {
        return String.format(Locale.ROOT, "sensor-%03d", d);
    }

    public static void main(String[] args) throws Exception {
        int events = 200_000;
        int rounds = 3;
        int warmups = 1;
        int partitions = 4;
        int tasks = 1;
        boolean eos = false;
        boolean profile = false;
        boolean jfr = false;
        for (int i = 0; i < args.length; i += 2) {
            if (args[i].equals("--eos") || args[i].equals("--profile") || args[i].equals("--jfr")) {
                eos |= args[i].equals("--eos");
                profile |= args[i].equals("--profile");
                jfr |= args[i].equals("--jfr");
                i--;
                continue;
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--warmups" -> warmups = Integer.parseInt(args[i + 1]);
                case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
                case "--tasks" -> tasks = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --events N --rounds R --warmups W --partitions P --tasks T --eos --profile --jfr");
            }
        }
        if (tasks < 1 || tasks > partitions || rounds < 1) {
            throw new IllegalArgumentException("--tasks must be from 1 to --partitions, --rounds at least 1");
        }
        List<Series> series = new ArrayList<>(List.of(Series.CONNECTOR, Series.RAW, Series.JSON));
        if (eos) {
            series.add(Series.EOS);
        }
        IotHubSourceBenchmark bench = new IotHubSourceBenchmark(events, partitions, tasks, eos, profile, jfr);
        try {
            System.out.printf(Locale.ROOT, "iothub-source benchmark: %d events of ~%d bytes (100 devices, IoT Hub telemetry properties) "
                    + "in %d partitions, read from the start every run; %d task(s) / raw bridge(s); %d round(s) after %d warm-up "
                    + "round(s); series: %s; endpoint 127.0.0.1:%d%n", events, bench.bodyBytes, partitions, tasks, rounds, warmups,
                    series.stream().map(s -> s.label).toList(), bench.endpoint.port());
            for (int warmup = 1; warmup <= warmups; warmup++) {
                StringBuilder line = new StringBuilder("  warm-up " + warmup + ":");
                Map<Series, String> topics = new HashMap<>();
                for (Series s : series) {
                    Result result = bench.run(s, "warmup-" + warmup, warmup == 1 ? topics : null);
                    line.append(String.format(Locale.ROOT, " %s %s,", s.label, result.describe()));
                }
                System.out.println(line.substring(0, line.length() - 1) + " (not counted)");
                if (warmup == 1) {
                    System.out.println("  record sizes (first " + SIZE_SAMPLE + " records: key + value + headers): " + topics.values());
                }
            }
            Map<Series, double[]> rates = new HashMap<>();
            for (Series s : series) {
                rates.put(s, new double[rounds]);
            }
            for (int round = 0; round < rounds; round++) {
                List<Series> order = new ArrayList<>(series);
                java.util.Collections.rotate(order, -round);
                Map<Series, Result> results = new HashMap<>();
                for (Series s : order) {
                    results.put(s, bench.run(s, Integer.toString(round + 1), null));
                    rates.get(s)[round] = results.get(s).eventsPerSecond();
                }
                StringBuilder line = new StringBuilder("  round " + (round + 1) + ":");
                for (Series s : series) {
                    line.append(String.format(Locale.ROOT, " %s %s,", s.label, results.get(s).describe()));
                }
                System.out.println(line.substring(0, line.length() - 1));
            }
            double connector = Rounds.median(rates.get(Series.CONNECTOR));
            double raw = Rounds.median(rates.get(Series.RAW));
            double json = Rounds.median(rates.get(Series.JSON));
            System.out.printf(Locale.ROOT, "  spread: connector %.0f-%.0f ev/s, raw SDK %.0f-%.0f ev/s%n",
                    Rounds.min(rates.get(Series.CONNECTOR)), Rounds.max(rates.get(Series.CONNECTOR)),
                    Rounds.min(rates.get(Series.RAW)), Rounds.max(rates.get(Series.RAW)));
            System.out.printf(Locale.ROOT, "iothub-source (json to Struct, JsonConverter): connector %.0f ev/s, ratio %.2f to raw SDK%n",
                    json, json / raw);
            if (eos) {
                double exactlyOnce = Rounds.median(rates.get(Series.EOS));
                System.out.printf(Locale.ROOT, "iothub-source (exactly-once): connector %.0f ev/s, ratio %.2f to raw SDK, %.2f to connector%n",
                        exactlyOnce, exactlyOnce / raw, exactlyOnce / connector);
            }
            System.out.printf(Locale.ROOT, "iothub-source: connector %.0f ev/s, raw SDK %.0f ev/s, ratio %.2f%n", connector, raw, connector / raw);
        } finally {
            bench.close();
        }
        System.exit(0);
    }

    /** One run of a series into a fresh topic; with {@code sizes}, the topic's average record size is put there. */
    private Result run(Series series, String round, Map<Series, String> sizes) throws Exception {
        EmbeddedConnectCluster cluster = series == Series.EOS ? eosConnect : connect;
        Admin clusterAdmin = series == Series.EOS ? eosAdmin : admin;
        String name = "iothub-" + series.id + "-" + round;
        cluster.kafka().createTopic(name, partitions);
        TimeUnit.MILLISECONDS.sleep(SETTLE_MS);
        JfrProfile recording = jfr && !round.startsWith("warmup") ? JfrProfile.start(Path.of("bench/target/jfr", name + ".jfr")) : null;
        Drain drain;
        String detail;
        if (series == Series.RAW) {
            List<RawEventHubBridge> bridges = new ArrayList<>();
            try {
                List<List<String>> assignment = assign();
                for (int t = 0; t < tasks; t++) {
                    RawEventHubBridge bridge = new RawEventHubBridge(endpoint.connectionString(HUB), PREFETCH,
                            cluster.kafka().bootstrapServers(), name, name + "-" + t);
                    bridges.add(bridge);
                    bridge.start(assignment.get(t));
                }
                drain = drain(clusterAdmin, name, false, () -> {
                    for (RawEventHubBridge bridge : bridges) {
                        if (bridge.failure() != null) {
                            throw new IllegalStateException("the raw bridge failed", bridge.failure());
                        }
                    }
                }, null);
            } finally {
                bridges.forEach(RawEventHubBridge::close);
            }
            detail = "";
        } else {
            cluster.configureConnector(name, connectorProps(series, name));
            List<ObjectName> bufferMetrics = new ArrayList<>();
            drain = drain(clusterAdmin, name, series == Series.EOS, () -> checkRunning(cluster, name), bufferMetrics);
            detail = String.format(Locale.ROOT, "buffer %.0f events on average; reconnects %.0f, error records %.0f, received %.0f",
                    drain.averageBuffered, PluginMetricsJmx.total(name, "reconnects-total"),
                    PluginMetricsJmx.total(name, "error-records-total"), PluginMetricsJmx.total(name, "events-received-total"));
            checkRunning(cluster, name);
            cluster.deleteConnector(name);
            cluster.assertions().assertConnectorDoesNotExist(name, "benchmark connector was not deleted");
        }
        if (series == Series.EOS) {
            long committed = countCommitted(cluster, name);
            if (committed != events) {
                throw new IllegalStateException(name + " holds " + committed + " committed records, not " + events);
            }
        }
        if (sizes != null) {
            sizes.put(series, String.format(Locale.ROOT, "%s %.1f B", series.label, averageRecordBytes(cluster, name)));
        }
        if (profile) {
            System.out.printf(Locale.ROOT, "    %s %s: %.0f ev/s; %s%s%n", series.label, round, drain.rate, drain.cpu,
                    detail.isEmpty() ? "" : "; " + detail);
        }
        if (recording != null) {
            Path file = recording.stop();
            recording.close();
            List<JfrProfile.Focus> foci = new ArrayList<>();
            if (series != Series.RAW) {
                // JFR keeps the name a Connect task thread had when it started.
                foci.add(new JfrProfile.Focus("task thread", thread -> thread.startsWith("task-thread-") || thread.startsWith("pool-")));
            }
            foci.add(new JfrProfile.Focus("SDK reactor (raw: with the producer calls)", thread -> thread.startsWith("reactor-executor")));
            foci.add(new JfrProfile.Focus("endpoint", thread -> thread.startsWith("eventhubs-endpoint")));
            System.out.println(JfrProfile.summary(file, drain.firstAt, drain.endAt, 6, foci, 8));
        }
        cluster.kafka().deleteTopic(name);
        return new Result(drain.rate, drain.endpointMicrosPerEvent);
    }

    /** The task's partitions, as the connector deals them: round-robin over the ids in numeric order. */
    private List<List<String>> assign() {
        List<List<String>> assignment = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            assignment.add(new ArrayList<>());
        }
        for (int p = 0; p < partitions; p++) {
            assignment.get(p % tasks).add(Integer.toString(p));
        }
        return assignment;
    }

    private Map<String, String> connectorProps(Series series, String topic) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", IotHubSourceConnector.class.getName());
        props.put("tasks.max", Integer.toString(tasks));
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, endpoint.connectionString(HUB));
        props.put(IotHubSourceConfig.TOPIC_CONFIG, topic);
        props.put(IotHubSourceConfig.START_POSITION_CONFIG, "earliest");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        if (series == Series.JSON) {
            props.put(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "json");
            props.put(IotHubSourceConfig.TIMESTAMP_SOURCE_CONFIG, "payload-field");
            props.put(IotHubSourceConfig.TIMESTAMP_FIELD_CONFIG, "ts");
            props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            props.put("value.converter.schemas.enable", "false");
        } else {
            props.put(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "bytes");
            props.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        }
        if (series == Series.EOS) {
            props.put("exactly.once.support", "required");
        }
        // Everything else as shipped: prefetch, buffer, poll size, retries, headers, error topic.
        return props;
    }

    private static void checkRunning(EmbeddedConnectCluster cluster, String name) {
        ConnectorStateInfo status;
        try {
            status = cluster.connectorStatus(name);
        } catch (RuntimeException e) {
            return;
        }
        if (status == null) {
            return;
        }
        if ("FAILED".equals(status.connector().state())) {
            throw new IllegalStateException("connector " + name + " failed: " + status.connector().trace());
        }
        for (ConnectorStateInfo.TaskState task : status.tasks()) {
            if ("FAILED".equals(task.state())) {
                throw new IllegalStateException("task " + task.id() + " of " + name + " failed: " + task.trace());
            }
        }
    }

    /** A check made while waiting, every second. */
    private interface Check {
        void check() throws Exception;
    }

    /** What a run's timing saw. */
    private record Drain(double rate, Instant firstAt, Instant endAt, String cpu, double averageBuffered, double endpointMicrosPerEvent) {
    }

    /**
     * Events/s from the first record visible in the topic to the N-th, by the topic's end offsets (with
     * {@code transactional}, the last stable offsets: these count the commit markers too, so the run ends once they
     * have reached at least N and stayed put for 2 s, at the time they first reached that final value).
     */
    private Drain drain(Admin clusterAdmin, String topic, boolean transactional, Check check, List<ObjectName> bufferMetrics)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        long first = 0;
        long firstCount = 0;
        Instant firstAt = null;
        ThreadCpu cpu = null;
        long lastCount = -1;
        long lastChange = 0;
        Instant lastChangeAt = null;
        long nextCheck = 0;
        double bufferSum = 0;
        int bufferSamples = 0;
        long nextLookup = 0;
        long endpointBefore = 0;
        while (System.nanoTime() < deadline) {
            long count = records(clusterAdmin, topic, transactional);
            long now = System.nanoTime();
            if (first == 0 && count > 0) {
                first = now;
                firstAt = Instant.now();
                firstCount = count;
                cpu = new ThreadCpu("ev", null, null);
                endpointBefore = endpointCpuNanos();
            }
            if (count != lastCount) {
                lastCount = count;
                lastChange = now;
                lastChangeAt = Instant.now();
            }
            if (first != 0 && bufferMetrics != null && bufferMetrics.size() < tasks && now >= nextLookup) {
                // The connector's name is the topic's; its tasks' MBeans are found once, then only read.
                bufferMetrics.clear();
                bufferMetrics.addAll(PluginMetricsJmx.tasks(topic, "buffer-size"));
                nextLookup = now + TimeUnit.SECONDS.toNanos(1);
            }
            if (first != 0 && count < events && bufferMetrics != null && bufferMetrics.size() == tasks) {
                for (ObjectName task : bufferMetrics) {
                    bufferSum += PluginMetricsJmx.value(task, "buffer-size");
                }
                bufferSamples++;
            }
            boolean done = transactional ? count >= events && now - lastChange >= TimeUnit.SECONDS.toNanos(2) : count >= events;
            if (done) {
                long end = transactional ? lastChange : now;
                double seconds = Math.max((end - first) / 1e9, 1e-3);
                double rate = (Math.min(count, events) - firstCount) / seconds;
                String cpuPerEvent = cpu.since(events - (double) firstCount);
                double endpointMicros = (endpointCpuNanos() - endpointBefore) / 1e3 / (events - (double) firstCount);
                return new Drain(rate, firstAt, transactional ? lastChangeAt : Instant.now(), cpuPerEvent,
                        bufferSamples == 0 ? 0 : bufferSum / bufferSamples, endpointMicros);
            }
            if (now >= nextCheck) {
                check.check();
                nextCheck = now + TimeUnit.SECONDS.toNanos(1);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        throw new IllegalStateException("only " + records(clusterAdmin, topic, transactional) + " of " + events + " records reached "
                + topic + " in 5 minutes");
    }

    /** CPU time of the endpoint's reactor thread so far. */
    private static long endpointCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("eventhubs-endpoint-")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private long records(Admin clusterAdmin, String topic, boolean transactional) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        ListOffsetsOptions options = new ListOffsetsOptions(transactional ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
        return clusterAdmin.listOffsets(request, options).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(o -> o.offset()).sum();
    }

    private KafkaConsumer<byte[], byte[]> consumer(EmbeddedConnectCluster cluster) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.kafka().bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        return new KafkaConsumer<>(props);
    }

    /** Records a read_committed consumer finds in the topic. */
    private long countCommitted(EmbeddedConnectCluster cluster, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster)) {
            List<TopicPartition> topicPartitions = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                topicPartitions.add(new TopicPartition(topic, p));
            }
            consumer.assign(topicPartitions);
            consumer.seekToBeginning(topicPartitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(topicPartitions);
            long count = 0;
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (topicPartitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " back in 2 minutes");
                }
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }

    /** The average size of the first records of partition 0: key, value, header names and values. */
    private double averageRecordBytes(EmbeddedConnectCluster cluster, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(cluster)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long bytes = 0;
            int count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (count < SIZE_SAMPLE && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (count == SIZE_SAMPLE) {
                        break;
                    }
                    bytes += (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
                    for (Header header : record.headers()) {
                        bytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
                    }
                    count++;
                }
            }
            return bytes / (double) Math.max(1, count);
        }
    }

    private void close() {
        admin.close();
        connect.stop();
        if (eosConnect != null) {
            eosAdmin.close();
            eosConnect.stop();
        }
        endpoint.close();
    }
}
