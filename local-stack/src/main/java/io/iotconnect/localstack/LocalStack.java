package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.testing.Archives;
import io.iotconnect.testing.CosmosDbServer;
import io.iotconnect.testing.DataLakeServer;
import io.iotconnect.testing.DataLakeServerMain;
import io.iotconnect.testing.EventHubsEndpoint;
import io.iotconnect.testing.EventHubsEndpointMain;
import io.iotconnect.testing.SchemaRegistryServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole pipeline on one machine, without Docker: a KRaft broker and a distributed Connect worker as separate JVMs,
 * an MQTT broker, a local Cosmos DB server, a local ADLS Gen2 endpoint backed by a directory, a local IoT Hub
 * (Event Hubs-compatible) endpoint, the plugin archives on the worker's plugin.path, the connector configs of
 * connect-config/ validated and applied over REST, MQTT and IoT Hub device simulators, a progress line every 2 s, and a summary whose
 * checks decide the exit status. With {@code --avro}, also a schema registry (Apicurio Registry, in memory) and Apicurio's
 * AvroConverter on the plugin.path, and the configs applied with {@code apply.mjs --avro}. One stack per state directory
 * ({@link StackLock}); ports fall back to free ones ({@link StackPorts}).
 *
 * <p>Usage, from the repository root (run-local.sh does that):
 * {@code LocalStack [run] [--duration SECONDS] [--rate MESSAGES_PER_SECOND] [--devices N] [--iothub-devices N] [--avro]},
 * {@code LocalStack status}, {@code LocalStack stop}, {@code LocalStack restart worker|kafka}.
 */
public final class LocalStack {

    static final String DATA_TOPIC = "telemetry";
    static final String ERROR_TOPIC = "telemetry-errors";
    static final String INVALID_TOPIC = "telemetry-invalid";
    static final String ALERTS_TOPIC = "alerts";
    static final String SOURCE_CONNECTOR = "mqtt-source";
    static final String IOTHUB_CONNECTOR = "iothub-source";
    static final String ALERTS_CONNECTOR = "mqtt-alerts";
    static final String READINGS_SINK = "cosmos-sink";
    static final String DEVICES_SINK = "cosmos-devices";
    static final String LAKE_SINK = "datalake-sink";
    static final List<String> CONNECTORS = List.of(SOURCE_CONNECTOR, IOTHUB_CONNECTOR, ALERTS_CONNECTOR, READINGS_SINK,
            DEVICES_SINK, LAKE_SINK);
    static final List<String> CONNECTOR_CONFIGS = List.of("mqtt-source.json", "iothub-source.json", "mqtt-alerts.json",
            "cosmos-sink.json", "cosmos-devices.json", "datalake-sink.json");
    /** The hub of the local IoT Hub endpoint, which iothub-source.json reads through IOTHUB_CONNECTION_STRING. */
    static final String IOTHUB_HUB = EventHubsEndpointMain.DEFAULT_HUB;
    static final int IOTHUB_PARTITIONS = EventHubsEndpointMain.DEFAULT_PARTITIONS;
    static final String COSMOS_DATABASE = "iot";
    /** The lake's account, and the file system datalake-sink.json writes to. */
    static final String LAKE_ACCOUNT = DataLakeServerMain.DEVELOPMENT_ACCOUNT;
    static final String LAKE_FILESYSTEM = "iot";
    /** The lake's directory under the state directory: a directory per file system, the files as the sink wrote them. */
    static final String LAKE_DIRECTORY = "lake";
    static final String LAKE_MARKER = "_SUCCESS";
    /**
     * Apicurio's AvroConverter as a plugin directory (the converter, its dependencies and a ServiceLoader manifest),
     * built by local-stack/avro-converter; installed on the worker's plugin.path with --avro.
     */
    static final String AVRO_CONVERTER_PLUGIN = "local-stack/avro-converter/target/apicurio-avro-converter";
    /** Where stack.properties records the registry's Confluent-compatible API, for ./run-local.sh status. */
    static final String REGISTRY_INFO = "schema.registry";
    static final String WORKER = "worker";
    static final String KAFKA = "kafka";
    /** Exit status of a run refused because another stack runs from the same state directory. */
    static final int ALREADY_RUNNING = 3;
    /**
     * The only environment variables the worker's env config provider may read: the secrets connect-config/ references.
     * The worker inherits the launcher's whole environment (a developer's shell, with whatever tokens it holds), so an
     * unrestricted provider would hand any of it to whoever may post a connector.
     */
    static final List<String> WORKER_SECRETS = List.of("COSMOS_KEY", "DATALAKE_KEY", "IOTHUB_CONNECTION_STRING");

    private final Path repository;
    private final Path state;
    private final Path logs;
    private final PrintStream out;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Map<String, Restartable> processes = new LinkedHashMap<>();
    private StackPorts ports;
    private DeviceSimulator simulator;
    private IotHubDeviceSimulator iotHubSimulator;
    private EventHubsEndpoint iotHub;
    private CosmosDbServer cosmos;
    private DataLakeServer lake;
    private SchemaRegistryServer registry;
    private StackLock lock;
    private ConnectCredentials credentials = new ConnectCredentials("", "");
    private volatile boolean stopping;

    /** A JVM of the stack that {@code ./run-local.sh restart <name>} can restart. */
    private final class Restartable implements AutoCloseable {
        final String name;
        final java.util.function.Supplier<JavaProcess> starter;
        JavaProcess process;
        boolean reportedDead;

        Restartable(String name, java.util.function.Supplier<JavaProcess> starter) {
            this.name = name;
            this.starter = starter;
        }

        void start() {
            process = starter.get();
            reportedDead = false;
        }

        @Override
        public void close() {
            if (process != null) {
                process.stop(Duration.ofSeconds(30));
            }
        }
    }

    LocalStack(Path repository, Path state, PrintStream out) {
        this.repository = repository;
        this.state = state;
        this.logs = state.resolve("logs");
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Path repository = Path.of("").toAbsolutePath();
        Path state = repository.resolve(".local-stack");
        String command = args.length > 0 && !args[0].startsWith("-") ? args[0] : "run";
        switch (command) {
            case "status" -> System.exit(StackCommands.status(state, System.out));
            case "stop" -> System.exit(StackCommands.stop(state, System.out));
            case "restart" -> System.exit(StackCommands.restart(state, args.length > 1 ? args[1] : "", System.out));
            case "run" -> {
                Options options;
                try {
                    boolean named = args.length > 0 && args[0].equals("run");
                    options = Options.parse(named ? java.util.Arrays.copyOfRange(args, 1, args.length) : args);
                } catch (IllegalArgumentException e) {
                    System.err.println("run-local.sh: " + e.getMessage());
                    System.exit(2);
                    return;
                }
                runUntilDone(new LocalStack(repository, state, System.out), options);
            }
            default -> {
                System.err.println("run-local.sh: unknown command '" + command + "'; use run (the default), status, stop, "
                        + "or restart worker|kafka (see --help)");
                System.exit(2);
            }
        }
    }

    /**
     * Runs the stack; on Ctrl-C (or {@code ./run-local.sh stop}) the shutdown hook lets the summary finish first and
     * then exits with the summary's status.
     */
    private static void runUntilDone(LocalStack stack, Options options) {
        CountDownLatch finished = new CountDownLatch(1);
        int[] status = {1};
        Thread hook = new Thread(() -> {
            stack.requestStop();
            try {
                finished.await(3, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stack.shutdown();
            Runtime.getRuntime().halt(status[0]);
        }, "local-stack-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        status[0] = stack.run(options);
        finished.countDown();
        stack.shutdown();
        System.exit(status[0]);
    }

    /**
     * {@code rate}: messages per second of all devices together, shared by the MQTT devices ({@code devices}) and the
     * IoT Hub devices ({@code iotHubDevices}) in proportion to their numbers, so each device sends as often. {@code avro}:
     * values in Avro with a schema registry instead of schemaless JSON.
     */
    record Options(long durationSeconds, int rate, int devices, int iotHubDevices, boolean avro) {
        Options(long durationSeconds, int rate, int devices) {
            this(durationSeconds, rate, devices, 0);
        }

        Options(long durationSeconds, int rate, int devices, int iotHubDevices) {
            this(durationSeconds, rate, devices, iotHubDevices, false);
        }

        int mqttRate() {
            return iotHubDevices == 0 ? rate : Math.max(1, (int) Math.round((double) rate * devices / (devices + iotHubDevices)));
        }

        int iotHubRate() {
            return iotHubDevices == 0 ? 0 : Math.max(1, rate - mqttRate());
        }

        static Options parse(String[] args) {
            long duration = 0;
            int rate = 20;
            int devices = 10;
            int iotHubDevices = 4;
            boolean avro = false;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                if (args[i].equals("--avro")) {
                    avro = true;
                    continue;
                }
                switch (args[i]) {
                    case "--duration" -> duration = Long.parseLong(require(args[i], value));
                    case "--rate" -> rate = Integer.parseInt(require(args[i], value));
                    case "--devices" -> devices = Integer.parseInt(require(args[i], value));
                    case "--iothub-devices" -> iotHubDevices = Integer.parseInt(require(args[i], value));
                    case "--help", "-h" -> {
                        System.out.println(String.join("\n",
                                "usage: ./run-local.sh [run] [--duration SECONDS] [--rate MESSAGES_PER_SECOND] [--devices N] [--iothub-devices N]",
                                "                      [--avro]",
                                "       ./run-local.sh status            what runs, on which ports, connector and task states",
                                "       ./run-local.sh stop              stops the running stack (it prints its summary)",
                                "       ./run-local.sh restart worker    restarts the Connect worker (or: restart kafka)",
                                "--devices: MQTT devices (10), --iothub-devices: IoT Hub devices (4); --rate (20) is shared by all",
                                "--duration counts from the moment the devices start publishing; without it the stack runs",
                                "until Ctrl-C. --avro: values in Avro (Apicurio's AvroConverter, Confluent wire format) with a",
                                "local schema registry (Apicurio Registry, in memory). State and logs are in .local-stack/."));
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
                }
                i++;
            }
            if (duration < 0 || rate < 1 || devices < 1 || iotHubDevices < 0) {
                throw new IllegalArgumentException("--duration must be >= 0, --rate and --devices >= 1, --iothub-devices >= 0");
            }
            return new Options(duration, rate, devices, iotHubDevices, avro);
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    /** Stops the run at the next progress tick; the summary is still printed. */
    void requestStop() {
        stopping = true;
        stopRequested.countDown();
    }

    StackPorts ports() {
        return ports;
    }

    int run(Options options) {
        Optional<StackLock> lock = StackLock.tryAcquire(state);
        if (lock.isEmpty()) {
            out.println(StackCommands.alreadyRunning(state));
            return ALREADY_RUNNING;
        }
        running.add(lock.get());
        this.lock = lock.get();
        try {
            prepareDirectories();
            ports = StackPorts.choose();
            lock.get().describe(ports);
            String moved = ports.movedPorts();
            if (!moved.isEmpty()) {
                out.println("Ports in use, free ones taken instead: " + moved);
            }
            startServices(options);
            return flow(options);
        } catch (Exception e) {
            if (stopping) {
                out.println();
                out.println("Stopped while starting.");
                return 130;
            }
            out.println();
            out.println("FAILED: " + e.getMessage());
            out.println("Logs: " + logs);
            return 1;
        }
    }

    private void startServices(Options options) throws Exception {
        Path plugins = installPlugins(options.avro());
        String classpath = runtimeClasspath();
        Path logConfig = writeLogConfig();

        step("MQTT broker");
        MqttBrokerHandle mqtt = MqttBrokerHandle.start(ports.mqtt(), state.resolve("mqtt"), logs.resolve("mosquitto.log"));
        running.add(mqtt);
        done(mqtt.uri() + " - " + mqtt.description());

        step("Cosmos DB (local server)");
        cosmos = CosmosDbServer.start(ports.cosmos(), logs.resolve("cosmosdb.log"));
        running.add(cosmos);
        done(cosmos.endpoint() + " - npm @vercel/cosmosdb-server, log " + logs.resolve("cosmosdb.log"));

        step("Data Lake (local ADLS Gen2 endpoint)");
        lake = DataLakeServer.builder().port(ports.lake()).root(state.resolve(LAKE_DIRECTORY)).account(LAKE_ACCOUNT)
                .accountKey(DataLakeServerMain.DEVELOPMENT_KEY).start();
        running.add(lake);
        done(lake.endpoint() + " - files in " + lakeTopics());

        step("IoT Hub (local Event Hubs-compatible endpoint)");
        iotHub = EventHubsEndpoint.builder().port(ports.iothub()).hub(IOTHUB_HUB, IOTHUB_PARTITIONS).start();
        running.add(iotHub);
        done(ports.iothubEndpoint() + ", hub " + IOTHUB_HUB + " with " + IOTHUB_PARTITIONS + " partitions (AMQP 1.0, no TLS)");

        if (options.avro()) {
            step("schema registry (Apicurio Registry, in memory)");
            registry = SchemaRegistryServer.start();
            running.add(registry);
            lock.record(REGISTRY_INFO, registry.url());
            done(registry.registryApiUrl() + " (its Confluent-compatible API: " + registry.url() + "), up in "
                    + registry.startup().toSeconds() + " s, log " + registry.log());
        }

        step("Kafka broker (KRaft)");
        Path kafkaProperties = writeKafkaConfig();
        formatKafkaStorage(classpath, logConfig, kafkaProperties);
        Restartable kafka = new Restartable(KAFKA, () -> JavaProcess.start(KAFKA, classpath, jvmOptions(KAFKA, "512m", logConfig),
                "kafka.Kafka", List.of(kafkaProperties.toString()), logs.resolve("kafka.log")));
        startAndAwait(kafka);
        createDeadLetterQueues();
        done(ports.bootstrapServers() + ", log " + logs.resolve("kafka.log"));

        step("Kafka Connect worker (distributed)");
        Path connectProperties = writeConnectConfig(plugins);
        credentials = ConnectCredentials.generate();
        Path jaas = credentials.writeTo(state);
        Restartable worker = new Restartable(WORKER, () -> {
            List<String> jvm = new ArrayList<>(jvmOptions("connect", "1g", logConfig));
            // The local Cosmos DB server's certificate is self-signed; the SDK skips validation for 127.0.0.1 only.
            jvm.add("-DCOSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED=true");
            // The REST API's basic authentication reads its JAAS entry once, as the JVM starts.
            jvm.add("-Djava.security.auth.login.config=" + jaas);
            // The connector configs read the keys with ${env:COSMOS_KEY}, ${env:DATALAKE_KEY} and
            // ${env:IOTHUB_CONNECTION_STRING}, as they would a real account's (WORKER_SECRETS, the provider's allowlist).
            return JavaProcess.start("connect", classpath, jvm, "org.apache.kafka.connect.cli.ConnectDistributed",
                    List.of(connectProperties.toString()), logs.resolve("connect.log"),
                    Map.of("COSMOS_KEY", CosmosDbServer.KEY, "DATALAKE_KEY", DataLakeServerMain.DEVELOPMENT_KEY,
                            "IOTHUB_CONNECTION_STRING", iotHub.connectionString(IOTHUB_HUB)));
        });
        startAndAwait(worker);
        done(ports.connectUrl() + ", plugin.path " + plugins + ", log " + logs.resolve("connect.log"));
        out.println("  The REST API takes basic authentication: " + StackCommands.credentialsHint(state) + ". For example: curl -u \"$(tr = : < "
                + state.resolve(ConnectCredentials.CREDENTIALS_FILE) + ")\" " + ports.connectUrl() + "/connectors");

        step("connector configs" + (registry == null ? "" : " (with --avro " + registry.registryApiUrl() + ")"));
        out.println();
        applyConfigs(mqtt);
        checkNotStopped();

        simulator = new DeviceSimulator(mqtt.uri(), options.devices(), options.mqttRate());
        running.add(simulator);
        if (options.iotHubDevices() > 0) {
            iotHubSimulator = new IotHubDeviceSimulator(iotHub.connectionString(IOTHUB_HUB), options.iotHubDevices(),
                    options.iotHubRate());
            running.add(iotHubSimulator);
        }
    }

    /** Publishes until --duration has passed since the devices started, or a stop is asked for; then the summary. */
    private int flow(Options options) throws Exception {
        simulator.start();
        if (iotHubSimulator != null) {
            iotHubSimulator.start();
        }
        long flowing = System.nanoTime();
        out.printf(Locale.ROOT, "%nSimulating %d MQTT devices on devices/<id>/telemetry and %d IoT Hub devices on hub %s, "
                        + "%d messages/s in all. %s%n",
                options.devices(), options.iotHubDevices(), IOTHUB_HUB, options.rate(),
                options.durationSeconds() > 0 ? "Running for " + options.durationSeconds() + " s from now." : "Ctrl-C stops everything and prints the summary.");
        out.println("Logs: " + logs + " (launcher, kafka, connect, mosquitto, cosmosdb). Another terminal: ./run-local.sh status | stop | restart worker");
        out.println("Lake files: " + lakeTopics() + " (Parquet, committed as datalake-sink rotates them)");
        out.println();
        ReadingDecoder readings = registry == null ? ReadingDecoder.json() : ReadingDecoder.avro(registry.registryApiUrl());
        try (StackStatus status = new StackStatus(ports.bootstrapServers(), ports.connectUrl(), credentials, readings)) {
            long deadline = options.durationSeconds() > 0 ? flowing + TimeUnit.SECONDS.toNanos(options.durationSeconds()) : Long.MAX_VALUE;
            long lastPublished = 0;
            long lastTick = flowing;
            while (!stopping && System.nanoTime() < deadline) {
                stopRequested.await(Math.min(2000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))),
                        TimeUnit.MILLISECONDS);
                if (stopping) {
                    break;
                }
                handleRestartRequests();
                reportDeadProcesses();
                long now = System.nanoTime();
                long published = published();
                double perSecond = (published - lastPublished) * 1e9 / Math.max(1, now - lastTick);
                lastPublished = published;
                lastTick = now;
                out.println(progressLine(TimeUnit.NANOSECONDS.toSeconds(now - flowing), perSecond, status));
            }
            return summary(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - flowing), status);
        }
    }

    private String progressLine(long elapsed, double perSecond, StackStatus status) {
        List<String> problems = new ArrayList<>();
        for (String connector : CONNECTORS) {
            problems.addAll(status.problems(connector));
        }
        String tasks = problems.isEmpty() ? "all connectors and tasks RUNNING" : String.join("; ", problems);
        return String.format(Locale.ROOT, "[%4ds] published %d (%.0f/s; %d by IoT Hub devices; %d malformed, %d anomalies, %d invalid) "
                        + "| Kafka: %s %d, %s %d, %s %d, %s %d | sinks: %s %s, %s %s, %s %s | %s",
                elapsed, published(), perSecond, iotHubSimulator == null ? 0 : iotHubSimulator.published(),
                simulator.malformed() + (iotHubSimulator == null ? 0 : iotHubSimulator.malformed()),
                simulator.anomalies() + (iotHubSimulator == null ? 0 : iotHubSimulator.anomalies()),
                simulator.invalid() + (iotHubSimulator == null ? 0 : iotHubSimulator.invalid()),
                DATA_TOPIC, status.records(DATA_TOPIC), INVALID_TOPIC, status.records(INVALID_TOPIC), ERROR_TOPIC,
                status.records(ERROR_TOPIC), ALERTS_TOPIC, status.records(ALERTS_TOPIC),
                READINGS_SINK, committed(status, READINGS_SINK), DEVICES_SINK, committed(status, DEVICES_SINK), LAKE_SINK,
                committed(status, LAKE_SINK), tasks);
    }

    /** Messages the MQTT and IoT Hub devices have sent, acknowledged by the broker or the endpoint. */
    private long published() {
        return simulator.published() + (iotHubSimulator == null ? 0 : iotHubSimulator.published());
    }

    /** The IoT Hub devices' ids (none without an IoT Hub simulator). */
    private List<String> iotHubDevices() {
        return iotHubSimulator == null ? List.of() : iotHubSimulator.deviceIds();
    }

    private static String committed(StackStatus status, String sink) {
        long committed = status.committed(sink);
        return committed < 0 ? "?" : Long.toString(committed);
    }

    /**
     * Stops publishing, lets the pipeline drain, and checks what arrived against what was published. The lake sink's
     * files land when they rotate (datalake.rotate.schedule.ms after their first record), so the drain waits for the
     * lake as it waits for Cosmos DB: until every check passes, or 60 s.
     */
    private int summary(long seconds, StackStatus status) throws InterruptedException {
        simulator.close();
        if (iotHubSimulator != null) {
            iotHubSimulator.close();
        }
        List<String> hubDevices = iotHubDevices();
        Map<String, Long> newest = new java.util.HashMap<>(simulator.newestValidReadings());
        PipelineVerdict.IotHubSent iotHubSent = PipelineVerdict.IotHubSent.NONE;
        if (iotHubSimulator != null) {
            newest.putAll(iotHubSimulator.newestValidReadings());
            iotHubSent = new PipelineVerdict.IotHubSent(hubDevices, iotHubSimulator.published(), iotHubSimulator.malformed(),
                    iotHubSimulator.invalid(), iotHubSimulator.anomalies());
        }
        PipelineVerdict.Published published = new PipelineVerdict.Published(published(),
                simulator.malformed() + iotHubSent.malformed(), simulator.invalid() + iotHubSent.invalid(),
                simulator.anomalies() + iotHubSent.anomalies(),
                simulator.failed() + (iotHubSimulator == null ? 0 : iotHubSimulator.failed()), newest);
        List<String> devices = new ArrayList<>(simulator.deviceIds());
        devices.addAll(hubDevices);
        out.println();
        out.println("Draining (up to 60 s) ...");
        PipelineVerdict.InKafka kafka = null;
        PipelineVerdict.InCosmos inCosmos = null;
        PipelineVerdict.InLake inLake = null;
        PipelineVerdict verdict = null;
        long markers;
        String query;
        try (CosmosCounts counts = new CosmosCounts(cosmos.endpoint(), CosmosDbServer.KEY, COSMOS_DATABASE, devices);
             LakeCounts lakeCounts = new LakeCounts(lakeTopics())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            boolean last = false;
            boolean perDevice = false;
            while (true) {
                kafka = new PipelineVerdict.InKafka(status.records(DATA_TOPIC), status.records(INVALID_TOPIC),
                        status.records(ERROR_TOPIC), status.records(ALERTS_TOPIC));
                Map<String, Long> readingDocuments = counts.documentsByDevice("readings");
                inCosmos = new PipelineVerdict.InCosmos(readingDocuments.values().stream().mapToLong(Long::longValue).sum(),
                        counts.documents("alerts"), counts.numberByDevice("devices", "ts"), readingDocuments);
                inLake = new PipelineVerdict.InLake(lakeCounts.fileCount(DATA_TOPIC) + lakeCounts.fileCount(ALERTS_TOPIC),
                        lakeCounts.rows(DATA_TOPIC), lakeCounts.rows(ALERTS_TOPIC), Map.of());
                perDevice = inLake.readingRows() == kafka.readings() || last;
                if (perDevice) {
                    // Every record is in the lake (or this is the last look): the per-device counts, against the records
                    // themselves, read from Kafka.
                    kafka = new PipelineVerdict.InKafka(kafka.readings(), kafka.invalid(), kafka.errors(), kafka.alerts(),
                            status.readingsByDevice(DATA_TOPIC), status.recordsByKey(INVALID_TOPIC), status.recordsByKey(ERROR_TOPIC));
                    inLake = new PipelineVerdict.InLake(inLake.files(), inLake.readingRows(), inLake.alertRows(),
                            lakeCounts.readingsByDevice(DATA_TOPIC));
                }
                verdict = verdict(published, iotHubSent, kafka, inCosmos, inLake, status);
                if (verdict.passed() && perDevice || last) {
                    break;
                }
                TimeUnit.SECONDS.sleep(2);
                last = System.nanoTime() >= deadline;
            }
            markers = lakeCounts.markerCount(DATA_TOPIC, LAKE_MARKER) + lakeCounts.markerCount(ALERTS_TOPIC, LAKE_MARKER);
            query = lakeCounts.perDeviceQuery(DATA_TOPIC);
        }
        PipelineVerdict.EndToEnd mqttReadings = PipelineVerdict.readings(simulator.deviceIds(),
                published.validReadings() - iotHubSent.validReadings(), kafka, inCosmos, inLake);
        PipelineVerdict.EndToEnd hubReadings = PipelineVerdict.readings(hubDevices, iotHubSent.validReadings(), kafka, inCosmos, inLake);
        out.println();
        out.printf(Locale.ROOT, "Summary of %d s of traffic%n", seconds);
        out.printf(Locale.ROOT, "  published by devices : %d (%d malformed, %d anomalous and %d invalid readings); %d by %d MQTT "
                        + "devices, %d by %d IoT Hub devices%n",
                published.total(), published.malformed(), published.anomalies(), published.invalid(),
                published.total() - iotHubSent.sent(), simulator.deviceIds().size(), iotHubSent.sent(), hubDevices.size());
        out.printf(Locale.ROOT, "  records in Kafka     : %d in %s (valid readings, flagged in headers), %d in %s (quarantined by "
                        + "ValidateReading), %d in %s (malformed)%n",
                kafka.readings(), DATA_TOPIC, kafka.invalid(), INVALID_TOPIC, kafka.errors(), ERROR_TOPIC);
        out.printf(Locale.ROOT, "  flagged and routed   : %d in %s (FlagAnomaly + IsAnomaly, for the MQTT devices' %d anomalies; "
                        + "the IoT Hub devices' anomalies, %d, are flagged in %s's headers)%n",
                kafka.alerts(), ALERTS_TOPIC, published.anomalies() - iotHubSent.anomalies(), iotHubSent.anomalies(), DATA_TOPIC);
        out.printf(Locale.ROOT, "  documents in Cosmos DB: %d in readings (for %d records in %s), %d in alerts (for %d), %d in "
                        + "devices (live state, one per device)%n",
                inCosmos.readingDocuments(), kafka.readings(), DATA_TOPIC, inCosmos.alertDocuments(), kafka.alerts(),
                inCosmos.deviceDocumentTs().size());
        out.printf(Locale.ROOT, "  files in the lake    : %d committed Parquet files under %s: %d rows in %s (for %d records), "
                        + "%d in %s (for %d); %d %s markers%n",
                inLake.files(), lakeTopics(), inLake.readingRows(), DATA_TOPIC, kafka.readings(), inLake.alertRows(), ALERTS_TOPIC,
                kafka.alerts(), markers, LAKE_MARKER);
        if (registry != null) {
            out.println("  schema registry      : " + registrySubjects(registry.url()));
        }
        out.println("  readings end to end  :                      sent   in Kafka   in Cosmos DB   in the lake");
        out.printf(Locale.ROOT, "      %-30s %8d %10d %14d %13d%n", "MQTT (" + simulator.deviceIds().size() + " devices)",
                mqttReadings.sent(), mqttReadings.inKafka(), mqttReadings.inCosmos(), mqttReadings.inLake());
        out.printf(Locale.ROOT, "      %-30s %8d %10d %14d %13d%n", "IoT Hub (" + hubDevices.size() + " devices)",
                hubReadings.sent(), hubReadings.inKafka(), hubReadings.inCosmos(), hubReadings.inLake());
        if (!inLake.readingsByDevice().isEmpty()) {
            out.println("  DuckDB over the lake : " + query);
            inLake.readingsByDevice().forEach((device, readings) -> out.printf(Locale.ROOT, "      %-14s %6d readings   avg temperature %6.2f%n",
                    device, readings.count(), readings.averageTemperature()));
        }
        out.println("  checks:");
        for (String line : verdict.lines()) {
            out.println("    " + line);
        }
        out.println(verdict.passed() ? "Result: OK" : "Result: PROBLEMS FOUND (exit status 1); logs in " + logs);
        return verdict.exitStatus();
    }

    /** {@code 5 subjects at <url>: alerts-value 1 version, ...}: what the converters registered, as a registry client sees it. */
    static String registrySubjects(String confluentUrl) {
        try {
            Map<String, Integer> versions = RegistrySubjects.versions(confluentUrl);
            return versions.size() + (versions.size() == 1 ? " subject" : " subjects") + " at " + confluentUrl
                    + (versions.isEmpty() ? "" : ": " + RegistrySubjects.describe(versions));
        } catch (IOException e) {
            return "cannot list the subjects at " + confluentUrl + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted listing the subjects at " + confluentUrl;
        }
    }

    private static PipelineVerdict verdict(PipelineVerdict.Published published, PipelineVerdict.IotHubSent iotHub,
                                           PipelineVerdict.InKafka kafka, PipelineVerdict.InCosmos cosmos,
                                           PipelineVerdict.InLake lake, StackStatus status) {
        Map<String, String> states = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String connector : CONNECTORS) {
            states.put(connector, status.connectorState(connector));
            problems.addAll(status.problems(connector));
        }
        return new PipelineVerdict(published, iotHub, kafka, cosmos, lake, states, problems);
    }

    /** The directory holding the lake sink's topic directories, as the local endpoint stores them. */
    private Path lakeTopics() {
        return lakeTopics(state);
    }

    static Path lakeTopics(Path state) {
        return state.resolve(LAKE_DIRECTORY).resolve(LAKE_FILESYSTEM).resolve("topics");
    }

    /** Restarts what {@code ./run-local.sh restart <name>} asked for. */
    private void handleRestartRequests() {
        for (String name : StackCommands.takeRestartRequests(state)) {
            Restartable process = processes.get(name);
            if (process == null) {
                continue;
            }
            out.println("Restarting the " + describe(name) + " (asked by ./run-local.sh restart " + name + ") ...");
            try {
                process.close();
                startAndAwait(process);
                out.println("The " + describe(name) + " is back.");
            } catch (Exception e) {
                out.println("The " + describe(name) + " did not come back: " + e.getMessage() + "; see " + logs);
            }
        }
    }

    /** Says once, plainly, when the broker or the worker died, and how to bring it back. */
    private void reportDeadProcesses() {
        for (Restartable process : processes.values()) {
            if (!process.reportedDead && process.process != null && !process.process.isAlive()) {
                process.reportedDead = true;
                out.printf(Locale.ROOT, "The %s exited (exit status %d); see %s. Restart it from another terminal with: "
                                + "./run-local.sh restart %s%n", describe(process.name), process.process.exitValue(),
                        logs.resolve(process.name.equals(WORKER) ? "connect.log" : "kafka.log"), process.name);
            }
        }
    }

    private static String describe(String name) {
        return name.equals(WORKER) ? "Connect worker" : "Kafka broker";
    }

    private void startAndAwait(Restartable process) throws InterruptedException {
        processes.putIfAbsent(process.name, process);
        if (!running.contains(process)) {
            running.add(process);
        }
        process.start();
        if (process.name.equals(KAFKA)) {
            process.process.awaitListening(ports.kafka(), Duration.ofSeconds(60));
        } else {
            awaitRest(process.process, URI.create(ports.connectUrl() + "/connector-plugins"), Duration.ofSeconds(90));
        }
    }

    /** Deletes what the last run left but the logs, now that this run holds the lock. */
    private void prepareDirectories() throws IOException {
        Files.createDirectories(logs);
        // The lake goes with Kafka's data: its index holds the offsets of the last run's topics, which start afresh.
        for (String leftover : List.of("kafka-data", LAKE_DIRECTORY, "plugins", "mqtt", "control", "server.properties",
                "connect-distributed.properties", "log4j2.xml", ConnectCredentials.CREDENTIALS_FILE, ConnectCredentials.JAAS_FILE)) {
            Path path = state.resolve(leftover);
            if (Files.exists(path)) {
                try (Stream<Path> paths = Files.walk(path)) {
                    for (Path file : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
        out.println("iot-connect local stack: state and logs in " + state);
    }

    /** Unzips every connector's plugin archive into the worker's plugin.path, and with --avro adds Apicurio's converter. */
    private Path installPlugins(boolean avro) throws IOException {
        Path plugins = Files.createDirectories(state.resolve("plugins"));
        List<Path> archives = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repository)) {
            for (Path module : modules.filter(Files::isDirectory).toList()) {
                Path target = module.resolve("target");
                if (Files.isDirectory(target) && Files.exists(module.resolve(".connect-plugin"))) {
                    try (Stream<Path> files = Files.list(target)) {
                        files.filter(f -> f.getFileName().toString().endsWith(".zip")).forEach(archives::add);
                    }
                }
            }
        }
        if (archives.isEmpty()) {
            throw new IllegalStateException("no plugin archives in */target/*.zip: build first (run-local.sh does: mvn package -DskipTests)");
        }
        for (Path archive : archives) {
            Archives.unzip(archive, plugins);
        }
        List<String> installed = new ArrayList<>(archives.stream().map(a -> a.getFileName().toString()).sorted().toList());
        if (avro) {
            installed.add(installAvroConverter(plugins));
        }
        out.println("Plugins: " + installed);
        return plugins;
    }

    /**
     * Copies the converter's plugin directory as it is, manifest jar included: the worker finds plugins through
     * ServiceLoader manifests only (plugin.discovery=service_load), and Apicurio's own jar has none.
     */
    private String installAvroConverter(Path plugins) throws IOException {
        Path source = repository.resolve(AVRO_CONVERTER_PLUGIN);
        List<Path> jars;
        try (Stream<Path> files = Files.exists(source) ? Files.list(source) : Stream.empty()) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException(source + " holds no jars: build first (run-local.sh does: mvn package -DskipTests)");
        }
        Path target = Files.createDirectories(plugins.resolve(source.getFileName()));
        for (Path jar : jars) {
            Files.copy(jar, target.resolve(jar.getFileName()));
        }
        return source.getFileName() + "/ (" + jars.size() + " jars)";
    }

    /** The broker's and worker's classpath: Kafka and Connect as a distribution ships them, nothing from tests. */
    private String runtimeClasspath() {
        Path lib = repository.resolve("local-stack/runtime/target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: build first (mvn package -DskipTests)");
        }
        return lib + "/*";
    }

    /** The broker's and worker's Log4j 2 configuration, a file because their classpath does not hold it. */
    private Path writeLogConfig() throws IOException {
        Path file = state.resolve("log4j2.xml");
        try (InputStream config = LocalStack.class.getResourceAsStream("/log4j2.xml")) {
            if (config == null) {
                throw new IllegalStateException("log4j2.xml is missing from the launcher's classpath");
            }
            Files.copy(config, file);
        }
        return file;
    }

    private Path writeKafkaConfig() throws IOException {
        Path data = Files.createDirectories(state.resolve("kafka-data"));
        Path properties = state.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://127.0.0.1:" + ports.kafka() + ",CONTROLLER://127.0.0.1:" + ports.controller(),
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + ports.kafka(),
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + ports.controller(),
                "log.dirs=" + data,
                "num.partitions=6",
                "default.replication.factor=1",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=false",
                ""));
        return properties;
    }

    /**
     * The sinks' dead letter queues, created before the connectors start: Connect's reporter would create a missing one
     * itself, but says so at ERROR level, which would read as a failure in a run where nothing failed.
     */
    private void createDeadLetterQueues() throws Exception {
        Set<String> topics = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String config : CONNECTOR_CONFIGS) {
            String topic = json.readTree(repository.resolve("connect-config").resolve(config).toFile()).path("config")
                    .path("errors.deadletterqueue.topic.name").asText("");
            if (!topic.isEmpty()) {
                topics.add(topic);
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ports.bootstrapServers()))) {
            admin.createTopics(topics.stream().map(topic -> new NewTopic(topic, 1, (short) 1)).toList()).all().get(30, TimeUnit.SECONDS);
        }
    }

    private void formatKafkaStorage(String classpath, Path logConfig, Path properties) {
        List<String> jvm = jvmOptions("kafka", "512m", logConfig);
        Path log = logs.resolve("kafka.log");
        String clusterId = JavaProcess.run("kafka-storage random-uuid", classpath, jvm, "kafka.tools.StorageTool",
                List.of("random-uuid"), log).trim();
        JavaProcess.run("kafka-storage format", classpath, jvm, "kafka.tools.StorageTool",
                List.of("format", "-t", clusterId, "-c", properties.toString(), "--standalone"), log);
    }

    private Path writeConnectConfig(Path plugins) throws IOException {
        Path properties = state.resolve("connect-distributed.properties");
        Files.writeString(properties, connectProperties(ports.bootstrapServers(), ports.connectUrl(), plugins));
        return properties;
    }

    /**
     * The worker's properties: REST on 127.0.0.1 behind basic authentication ({@link ConnectCredentials}), and an env
     * config provider that reads {@link #WORKER_SECRETS} and nothing else. No file provider: no config of
     * connect-config/ reads a file, and one unrestricted would serve any file the worker can read.
     */
    static String connectProperties(String bootstrapServers, String connectUrl, Path plugins) {
        return String.join("\n",
                "bootstrap.servers=" + bootstrapServers,
                "group.id=iot-connect-local",
                "listeners=" + connectUrl,
                "rest.extension.classes=" + ConnectCredentials.REST_EXTENSION,
                "plugin.path=" + plugins,
                "plugin.discovery=service_load",
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "config.storage.topic=connect-configs",
                "offset.storage.topic=connect-offsets",
                "status.storage.topic=connect-status",
                "config.storage.replication.factor=1",
                "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1",
                "offset.flush.interval.ms=5000",
                "config.providers=env",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                // A full match: ${env:PATH} or any other name stays unresolved, as its literal text.
                "config.providers.env.param.allowlist.pattern=" + String.join("|", WORKER_SECRETS),
                "");
    }

    private List<String> jvmOptions(String name, String heap, Path logConfig) {
        return List.of("-Xmx" + heap, "-Dlocalstack.log=" + logs.resolve(name + ".log"),
                "-Dlog4j2.configurationFile=" + logConfig.toUri(), "-Djava.net.preferIPv4Stack=true");
    }

    private void applyConfigs(MqttBrokerHandle mqtt) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", repository.resolve("connect-config/apply.mjs").toString(),
                "--url", ports.connectUrl(), "--wait", "30", "--wait-running", "60",
                "--set", MqttSourceConnectorConfig.SERVER_URIS_CONFIG + "=" + mqtt.uri(),
                "--set", MqttSourceConnectorConfig.MQTT_VERSION_CONFIG + "=" + mqtt.mqttVersion(),
                "--set", CosmosSinkConfig.ENDPOINT_CONFIG + "=" + cosmos.endpoint(),
                "--set", DataLakeSinkConfig.ENDPOINT_CONFIG + "=" + lake.endpoint()));
        if (registry != null) {
            command.addAll(List.of("--avro", registry.registryApiUrl()));
        }
        for (String config : CONNECTOR_CONFIGS) {
            command.add(repository.resolve("connect-config").resolve(config).toString());
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // In the environment, not on the command line, where any user of the machine could read the password.
        builder.environment().put("CONNECT_USERNAME", credentials.username());
        builder.environment().put("CONNECT_PASSWORD", credentials.password());
        Process apply = builder.start();
        try (InputStream output = apply.getInputStream()) {
            output.transferTo(out);
        }
        if (apply.waitFor() != 0) {
            throw new IllegalStateException("connect-config/apply.mjs could not apply the connector configs (see above)");
        }
    }

    /** Stops everything in reverse order of starting; safe to call twice (normal end, then the shutdown hook). */
    synchronized void shutdown() {
        stopping = true;
        stopRequested.countDown();
        if (running.isEmpty()) {
            return;
        }
        out.println("Stopping the local stack...");
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                out.println("  could not stop cleanly: " + e.getMessage());
            }
        }
        running.clear();
        try {
            Files.deleteIfExists(state.resolve(StackLock.INFO_FILE));
        } catch (IOException e) {
            // the lock is released anyway; status reads the lock, not this file
        }
    }

    private void checkNotStopped() {
        if (stopping) {
            throw new IllegalStateException("stopped while starting");
        }
    }

    private void step(String what) {
        checkNotStopped();
        out.print("Starting " + what + " ... ");
        out.flush();
    }

    private void done(String detail) {
        out.println("up: " + detail);
    }

    private void awaitRest(JavaProcess process, URI uri, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited during start; see " + logs.resolve(process.name() + ".log"));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2))
                        .header("Authorization", credentials.authorization()).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            TimeUnit.MILLISECONDS.sleep(300);
        }
        throw new IllegalStateException(process.name() + " REST API did not answer within " + timeout.toSeconds() + " s");
    }
}
