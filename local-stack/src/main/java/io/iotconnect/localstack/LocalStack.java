package io.iotconnect.localstack;

import io.iotconnect.testing.Archives;
import io.iotconnect.testing.CosmosDbServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole pipeline on one machine, without Docker: a KRaft broker and a distributed Connect worker as separate JVMs
 * (127.0.0.1:9092 and REST on 127.0.0.1:8083), an MQTT broker, the plugin archives on the worker's plugin.path, the
 * connector configs of connect-config/ validated and applied over REST, a device simulator, and a progress line every
 * few seconds. Stops everything cleanly after --duration seconds or on Ctrl-C, and prints a summary.
 *
 * <p>Usage: {@code LocalStack [--duration SECONDS] [--rate MESSAGES_PER_SECOND] [--devices N]}, run from the
 * repository root (run-local.sh does that).
 */
public final class LocalStack {

    static final int KAFKA_PORT = 9092;
    static final int CONTROLLER_PORT = 9093;
    static final int CONNECT_PORT = 8083;
    static final int MQTT_PORT = 1883;
    static final String DATA_TOPIC = "telemetry";
    static final String ERROR_TOPIC = "telemetry-errors";
    static final String INVALID_TOPIC = "telemetry-invalid";
    static final String ALERTS_TOPIC = "alerts";
    static final String CONNECTOR = "mqtt-source";
    static final String ALERTS_CONNECTOR = "mqtt-alerts";
    static final List<String> CONNECTOR_CONFIGS = List.of("mqtt-source.json", "mqtt-alerts.json", "cosmos-sink.json",
            "cosmos-devices.json");
    static final int COSMOS_PORT = 8081;
    static final String COSMOS_DATABASE = "iot";

    private final Path repository;
    private final Path state;
    private final Path logs;
    private final PrintStream out;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private DeviceSimulator simulator;
    private CosmosDbServer cosmos;
    private int devices;
    private volatile boolean stopping;

    LocalStack(Path repository, PrintStream out) {
        this.repository = repository;
        this.state = repository.resolve(".local-stack");
        this.logs = state.resolve("logs");
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        LocalStack stack = new LocalStack(Path.of("").toAbsolutePath(), System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::shutdown, "local-stack-shutdown"));
        int status = stack.run(options);
        stack.shutdown();
        System.exit(status);
    }

    record Options(long durationSeconds, int rate, int devices) {
        static Options parse(String[] args) {
            long duration = 0;
            int rate = 20;
            int devices = 10;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--duration" -> duration = Long.parseLong(require(args[i], value));
                    case "--rate" -> rate = Integer.parseInt(require(args[i], value));
                    case "--devices" -> devices = Integer.parseInt(require(args[i], value));
                    case "--help", "-h" -> {
                        System.out.println("usage: ./run-local.sh [--duration SECONDS] [--rate MESSAGES_PER_SECOND] [--devices N]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + " (see --help)");
                }
                i++;
            }
            if (duration < 0 || rate < 1 || devices < 1) {
                throw new IllegalArgumentException("--duration must be >= 0, --rate and --devices >= 1");
            }
            return new Options(duration, rate, devices);
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }
    }

    int run(Options options) throws Exception {
        long started = System.nanoTime();
        try {
            prepareDirectories();
            requireFree(KAFKA_PORT, "Kafka");
            requireFree(CONTROLLER_PORT, "the KRaft controller");
            requireFree(CONNECT_PORT, "the Connect REST API");

            Path plugins = installPlugins();
            String classpath = classpath();

            step("MQTT broker");
            MqttBrokerHandle mqtt = MqttBrokerHandle.start(isFree(MQTT_PORT) ? MQTT_PORT : freePort(), state.resolve("mqtt"));
            running.add(mqtt);
            done(mqtt.uri() + " - " + mqtt.description());

            step("Cosmos DB (local server)");
            cosmos = CosmosDbServer.start(isFree(COSMOS_PORT) ? COSMOS_PORT : freePort());
            running.add(cosmos);
            done(cosmos.endpoint() + " - npm @vercel/cosmosdb-server");

            step("Kafka broker (KRaft)");
            startKafka(classpath);
            done("127.0.0.1:" + KAFKA_PORT);

            step("Kafka Connect worker (distributed)");
            startConnect(classpath, plugins);
            done("http://127.0.0.1:" + CONNECT_PORT + ", plugin.path " + plugins);

            step("connector configs");
            out.println();
            applyConfigs(mqtt);

            devices = options.devices();
            simulator = new DeviceSimulator(mqtt.uri(), options.devices(), options.rate());
            simulator.start();
            out.printf(Locale.ROOT, "Simulating %d devices at %d messages/s on %s (devices/<id>/telemetry). %s%n%n",
                    options.devices(), options.rate(), mqtt.uri(),
                    options.durationSeconds() > 0 ? "Running for " + options.durationSeconds() + " s." : "Ctrl-C stops everything.");

            try (StackStatus status = new StackStatus("127.0.0.1:" + KAFKA_PORT, "http://127.0.0.1:" + CONNECT_PORT)) {
                long deadline = options.durationSeconds() > 0 ? started + TimeUnit.SECONDS.toNanos(options.durationSeconds()) : Long.MAX_VALUE;
                while (!stopping && System.nanoTime() < deadline) {
                    stopped.await(2, TimeUnit.SECONDS);
                    if (!stopping) {
                        out.println(progressLine(started, status));
                    }
                }
                return summary(status);
            }
        } catch (Exception e) {
            if (stopping) {
                return 130;
            }
            out.println();
            out.println("FAILED: " + e.getMessage());
            out.println("Logs: " + logs);
            return 1;
        }
    }

    private String progressLine(long started, StackStatus status) {
        long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        return String.format(Locale.ROOT, "[%4ds] published %d (malformed %d, anomalies %d, invalid %d) | in Kafka: %s %d, %s %d, %s %d, %s %d | %s | %s",
                elapsed, simulator.published(), simulator.malformed(), simulator.anomalies(), simulator.invalid(),
                DATA_TOPIC, status.records(DATA_TOPIC), INVALID_TOPIC, status.records(INVALID_TOPIC), ERROR_TOPIC,
                status.records(ERROR_TOPIC), ALERTS_TOPIC, status.records(ALERTS_TOPIC), status.connectorState(CONNECTOR),
                status.connectorState(ALERTS_CONNECTOR));
    }

    /** Stops publishing, lets the pipeline drain, and reports what arrived against what was published. */
    private int summary(StackStatus status) throws InterruptedException {
        simulator.close();
        long published = simulator.published();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long arrived = 0;
        long anomalies = simulator.anomalies();
        while (System.nanoTime() < deadline) {
            arrived = status.records(DATA_TOPIC) + status.records(INVALID_TOPIC) + status.records(ERROR_TOPIC);
            if (arrived >= published && status.records(ALERTS_TOPIC) >= anomalies) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        long data = status.records(DATA_TOPIC);
        long invalid = status.records(INVALID_TOPIC);
        long errors = status.records(ERROR_TOPIC);
        long alerts = status.records(ALERTS_TOPIC);
        out.println();
        out.println("Summary");
        out.printf(Locale.ROOT, "  published by devices : %d (%d malformed, %d anomalous and %d invalid readings, %d publish failures)%n",
                published, simulator.malformed(), anomalies, simulator.invalid(), simulator.failed());
        out.printf(Locale.ROOT, "  records in Kafka     : %d in %s (valid readings, flagged in headers), %d in %s (quarantined by ValidateReading), %d in %s (malformed)%n",
                data, DATA_TOPIC, invalid, INVALID_TOPIC, errors, ERROR_TOPIC);
        out.printf(Locale.ROOT, "  flagged and routed   : %d in %s (FlagAnomaly + IsAnomaly, for %d injected anomalies)%n",
                alerts, ALERTS_TOPIC, anomalies);
        out.printf(Locale.ROOT, "  connectors           : %s; %s%n", status.connectorState(CONNECTOR), status.connectorState(ALERTS_CONNECTOR));
        int exit = cosmosSummary(data, alerts);
        long missing = published - (data + invalid + errors);
        if (missing > 0) {
            out.printf(Locale.ROOT, "  MISSING              : %d messages did not reach Kafka%n", missing);
            exit = 1;
        } else {
            out.printf(Locale.ROOT, "  every published message reached Kafka (%d duplicate deliveries)%n", -missing);
        }
        if (alerts < anomalies) {
            out.printf(Locale.ROOT, "  MISSING              : %d injected anomalies did not reach %s%n", anomalies - alerts, ALERTS_TOPIC);
            exit = 1;
        }
        return exit;
    }

    /** Waits for the sinks to catch up, prints the documents per container, and returns 1 when any are missing. */
    private int cosmosSummary(long readings, long alerts) throws InterruptedException {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= devices; i++) {
            ids.add(String.format(Locale.ROOT, "sensor-%03d", i));
        }
        try (CosmosCounts counts = new CosmosCounts(cosmos.endpoint(), CosmosDbServer.KEY, COSMOS_DATABASE, ids)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long readingDocs;
            long alertDocs;
            long deviceDocs;
            do {
                readingDocs = counts.documents("readings");
                alertDocs = counts.documents("alerts");
                deviceDocs = counts.documents("devices");
                if (readingDocs >= readings && alertDocs >= alerts && deviceDocs >= devices) {
                    break;
                }
                TimeUnit.SECONDS.sleep(1);
            } while (System.nanoTime() < deadline);
            out.printf(Locale.ROOT, "  documents in Cosmos DB: %d in readings (for %d records in %s), %d in alerts (for %d), %d in devices (live state, one per device)%n",
                    readingDocs, readings, DATA_TOPIC, alertDocs, alerts, deviceDocs);
            if (readingDocs < readings || alertDocs < alerts || deviceDocs < devices) {
                out.printf(Locale.ROOT, "  MISSING              : not every record reached Cosmos DB%n");
                return 1;
            }
            return 0;
        }
    }

    private void prepareDirectories() throws IOException {
        if (Files.exists(state)) {
            try (Stream<Path> paths = Files.walk(state)) {
                // The launcher's own log is already open: keep it, start everything else afresh.
                Path launcherLog = logs.resolve("launcher.log");
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    if (!path.equals(launcherLog) && !path.equals(logs) && !path.equals(state)) {
                        Files.delete(path);
                    }
                }
            }
        }
        Files.createDirectories(logs);
        out.println("iot-connect local stack: state and logs in " + state);
    }

    /** Unzips every connector's plugin archive into the worker's plugin.path. */
    private Path installPlugins() throws IOException {
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
        out.println("Plugins: " + archives.stream().map(a -> a.getFileName().toString()).toList());
        return plugins;
    }

    private String classpath() {
        Path lib = repository.resolve("local-stack/target/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: build first (mvn package -DskipTests)");
        }
        return lib + "/*";
    }

    private void startKafka(String classpath) throws IOException, InterruptedException {
        Path data = Files.createDirectories(state.resolve("kafka-data"));
        Path properties = state.resolve("server.properties");
        Files.writeString(properties, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "listeners=PLAINTEXT://127.0.0.1:" + KAFKA_PORT + ",CONTROLLER://127.0.0.1:" + CONTROLLER_PORT,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + KAFKA_PORT,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "controller.quorum.bootstrap.servers=127.0.0.1:" + CONTROLLER_PORT,
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
        List<String> jvm = jvmOptions("kafka", "512m");
        Path log = logs.resolve("kafka.log");
        String clusterId = JavaProcess.run("kafka-storage random-uuid", classpath, jvm, "kafka.tools.StorageTool",
                List.of("random-uuid"), log).trim();
        JavaProcess.run("kafka-storage format", classpath, jvm, "kafka.tools.StorageTool",
                List.of("format", "-t", clusterId, "-c", properties.toString(), "--standalone"), log);
        JavaProcess kafka = JavaProcess.start("kafka", classpath, jvm, "kafka.Kafka", List.of(properties.toString()), log);
        running.add(kafka);
        awaitPort(kafka, KAFKA_PORT, Duration.ofSeconds(60));
    }

    private void startConnect(String classpath, Path plugins) throws IOException, InterruptedException {
        Path properties = state.resolve("connect-distributed.properties");
        Files.writeString(properties, String.join("\n",
                "bootstrap.servers=127.0.0.1:" + KAFKA_PORT,
                "group.id=iot-connect-local",
                "listeners=http://127.0.0.1:" + CONNECT_PORT,
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
                "config.providers=env,file",
                "config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                ""));
        Path log = logs.resolve("connect.log");
        List<String> options = new ArrayList<>(jvmOptions("connect", "1g"));
        // The local Cosmos DB server's certificate is self-signed; the SDK skips validation for 127.0.0.1 only.
        options.add("-DCOSMOS.EMULATOR_SERVER_CERTIFICATE_VALIDATION_DISABLED=true");
        // The connector configs read the key with ${env:COSMOS_KEY}, as they would a real account's.
        JavaProcess connect = JavaProcess.start("connect", classpath, options,
                "org.apache.kafka.connect.cli.ConnectDistributed", List.of(properties.toString()), log,
                Map.of("COSMOS_KEY", CosmosDbServer.KEY));
        running.add(connect);
        awaitRest(connect, URI.create("http://127.0.0.1:" + CONNECT_PORT + "/connector-plugins"), Duration.ofSeconds(90));
    }

    private List<String> jvmOptions(String name, String heap) {
        return List.of("-Xmx" + heap, "-Dlocalstack.log=" + logs.resolve(name + ".log"), "-Dlog4j2.configurationFile=classpath:log4j2.xml",
                "-Djava.net.preferIPv4Stack=true");
    }

    private void applyConfigs(MqttBrokerHandle mqtt) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", repository.resolve("connect-config/apply.mjs").toString(),
                "--url", "http://127.0.0.1:" + CONNECT_PORT, "--wait", "30", "--wait-running", "60",
                "--set", "mqtt.server.uris=" + mqtt.uri(), "--set", "mqtt.version=" + mqtt.mqttVersion(),
                "--set", "cosmos.endpoint=" + cosmos.endpoint()));
        for (String config : CONNECTOR_CONFIGS) {
            command.add(repository.resolve("connect-config").resolve(config).toString());
        }
        Process apply = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream output = apply.getInputStream()) {
            output.transferTo(out);
        }
        if (apply.waitFor() != 0) {
            throw new IllegalStateException("connect-config/apply.mjs could not apply the connector configs (see above)");
        }
    }

    /** Stops everything in reverse order of starting; safe to call twice (normal end, then the shutdown hook). */
    synchronized void shutdown() {
        if (stopping && running.isEmpty()) {
            return;
        }
        stopping = true;
        stopped.countDown();
        if (simulator != null) {
            simulator.close();
        }
        if (!running.isEmpty()) {
            out.println("Stopping the local stack...");
        }
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                out.println("  could not stop cleanly: " + e.getMessage());
            }
        }
        running.clear();
    }

    private void step(String what) {
        out.print("Starting " + what + " ... ");
        out.flush();
    }

    private void done(String detail) {
        out.println("up: " + detail);
    }

    private static void requireFree(int port, String what) {
        if (!isFree(port)) {
            throw new IllegalStateException("port " + port + " for " + what + " is in use: is another local stack running?");
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitPort(JavaProcess process, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited during start; see " + logs.resolve(process.name() + ".log"));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new IllegalStateException(process.name() + " did not listen on " + port + " within " + timeout.toSeconds() + " s");
    }

    private void awaitRest(JavaProcess process, URI uri, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited during start; see " + logs.resolve(process.name() + ".log"));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
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
