package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, end to end, with real broker and worker JVMs, the plugin archives on plugin.path, the
 * connect-config JSON applied by apply.mjs and simulated devices. Each run has a state directory of its own under
 * target/, so a local stack a developer runs beside the build is never touched, and its default ports are taken on
 * purpose, so the stack must fall back to free ones. The stack is closed as the Docker one is: every port on 127.0.0.1,
 * the worker's REST API behind basic authentication with the stack's own password, and the worker on Kafka's class
 * path alone, its log free of errors and stack traces.
 */
class LocalStackIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private record Run(LocalStack stack, CompletableFuture<Integer> status, ByteArrayOutputStream output) {
        String text() {
            return output.toString(StandardCharsets.UTF_8);
        }
    }

    private static Run start(String name, long seconds) throws IOException {
        assertThat(Files.exists(REPOSITORY.resolve("run-local.sh"))).as("run from the local-stack module").isTrue();
        Path state = Path.of("target", name).toAbsolutePath();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(captured, System.out), true, StandardCharsets.UTF_8);
        LocalStack stack = new LocalStack(REPOSITORY, state, out);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> {
            try {
                return stack.run(new LocalStack.Options(seconds, 50, 10, 4));
            } finally {
                stack.shutdown();
            }
        });
        return new Run(stack, status, captured);
    }

    @Test
    void runsOnFreePortsBesideOtherServersRefusesASecondStartAndLosesNothing() throws Exception {
        List<ServerSocket> squatters = new ArrayList<>();
        for (int port : new int[] {9092, 9093, 8083, 1883, 8081, 10000, 5672}) {
            squatters.add(occupy(port));
        }
        // The worker's log of this run only: the state directory keeps the logs of earlier runs.
        Path workerLog = Path.of("target", "local-stack-it", "logs", "connect.log").toAbsolutePath();
        Files.deleteIfExists(workerLog);
        try {
            Run run = start("local-stack-it", 30);
            awaitOutput(run, "Simulating 10 MQTT devices on devices/<id>/telemetry and 4 IoT Hub devices");
            StackPorts ports = run.stack().ports();
            assertThat(List.of(ports.kafka(), ports.controller(), ports.connect(), ports.mqtt(), ports.cosmos(), ports.lake(), ports.iothub()))
                    .as("every default port was taken: the stack chose free ones").doesNotContain(9092, 9093, 8083, 1883, 8081, 10000, 5672);
            assertThat(run.text()).contains("Ports in use, free ones taken instead: Kafka 9092 -> " + ports.kafka());

            // A second start on the same state directory refuses and changes nothing.
            Path state = Path.of("target", "local-stack-it").toAbsolutePath();
            String info = Files.readString(state.resolve(StackLock.INFO_FILE));
            // Kafka adds and removes files of its own as it runs; its cluster identity and the unzipped plugins stay.
            String kafkaIdentity = Files.readString(state.resolve("kafka-data").resolve("meta.properties"));
            long pluginFiles = countFiles(state.resolve("plugins"));
            ByteArrayOutputStream second = new ByteArrayOutputStream();
            int refused = new LocalStack(REPOSITORY, state, new PrintStream(second, true, StandardCharsets.UTF_8))
                    .run(new LocalStack.Options(5, 10, 1));
            assertThat(refused).isEqualTo(LocalStack.ALREADY_RUNNING);
            assertThat(second.toString(StandardCharsets.UTF_8)).contains("A local stack is already running from " + state,
                    "Nothing was changed", "./run-local.sh stop");
            assertThat(Files.readString(state.resolve(StackLock.INFO_FILE))).isEqualTo(info);
            assertThat(Files.readString(state.resolve("kafka-data").resolve("meta.properties"))).as("Kafka's data is untouched")
                    .isEqualTo(kafkaIdentity);
            assertThat(countFiles(state.resolve("plugins"))).as("the plugins are untouched").isEqualTo(pluginFiles);
            ByteArrayOutputStream status = new ByteArrayOutputStream();
            assertThat(StackCommands.status(state, new PrintStream(status, true, StandardCharsets.UTF_8))).isZero();
            assertThat(status.toString(StandardCharsets.UTF_8)).contains("Connect   " + ports.connectUrl(), "mqtt-source RUNNING",
                    "basic authentication: user iot-connect, password in " + state.resolve("connect-credentials.properties"),
                    "Data Lake http://127.0.0.1:" + ports.lake() + "/devlake, files in " + LocalStack.lakeTopics(state),
                    "datalake-sink RUNNING", "iothub-source RUNNING",
                    "IoT Hub   sb://127.0.0.1:" + ports.iothub() + " (Event Hubs-compatible endpoint), hub iothub-telemetry with 4 partitions");

            // Closed: every port of the stack on loopback; the REST API refuses a request without the stack's login, whose
            // password (drawn for this run) is in an owner-only file the launcher named.
            assertThat(listeningAddresses(Set.of(ports.kafka(), ports.controller(), ports.connect(), ports.mqtt(), ports.cosmos(),
                    ports.lake(), ports.iothub()))).as("addresses the stack's servers listen on").isNotEmpty().allMatch(
                    address -> address.startsWith("127.") || address.equals("::1") || address.startsWith("::ffff:127."));
            Path credentials = state.resolve("connect-credentials.properties");
            assertThat(run.text()).contains("The REST API takes basic authentication: user iot-connect, password in " + credentials);
            assertThat(Files.getPosixFilePermissions(credentials)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            ConnectCredentials login = ConnectCredentials.readFrom(state);
            assertThat(run.text()).doesNotContain(login.password());
            assertThat(statusOf(ports.connectUrl() + "/connectors", null)).as("no login").isEqualTo(401);
            assertThat(statusOf(ports.connectUrl() + "/connectors", new ConnectCredentials(login.username(), login.password() + "x")
                    .authorization())).as("a wrong password").isEqualTo(401);
            assertThat(statusOf(ports.connectUrl() + "/connectors", login.authorization())).isEqualTo(200);

            // The worker offers Kafka's own plugins and ours, nothing from test jars.
            List<String> plugins = new ArrayList<>();
            for (JsonNode plugin : get(state, ports.connectUrl() + "/connector-plugins?connectorsOnly=false")) {
                plugins.add(plugin.get("class").asText());
            }
            assertThat(plugins).contains("io.iotconnect.mqtt.MqttSourceConnector", "io.iotconnect.cosmos.CosmosSinkConnector",
                    "io.iotconnect.datalake.DataLakeSinkConnector", "io.iotconnect.iothub.IotHubSourceConnector",
                    "io.iotconnect.anomaly.ValidateReading$Value", "io.iotconnect.anomaly.IsInvalid",
                    "org.apache.kafka.connect.file.FileStreamSinkConnector", "org.apache.kafka.connect.mirror.MirrorSourceConnector",
                    "org.apache.kafka.connect.transforms.RegexRouter");
            assertThat(plugins).noneMatch(name -> name.contains("Test") || name.contains("Naughty") || name.contains("Blocking")
                    || name.contains("Monitorable") || name.contains("Sampling"));

            int exit = run.status().get(5, TimeUnit.MINUTES);
            String output = run.text();
            assertThat(exit).as(output).isZero();
            assertThat(output).containsPattern("\\[ +[0-9]+s\\] published [0-9]+ \\([0-9]+/s; ");
            assertThat(output).contains("all connectors and task", "Summary of 3", "every published message reached Kafka",
                    "OK: nothing lost, no sink stalled, nothing duplicated in the lake, every connector and task RUNNING", "Result: OK");
            assertThat(output).containsPattern("documents in Cosmos DB: [1-9][0-9]* in readings \\(for [0-9]+ records in telemetry\\), "
                    + "[0-9]+ in alerts \\(for [0-9]+\\), 14 in devices");
            // The IoT Hub devices' messages, each once in Kafka, and their readings once in Cosmos DB and the lake.
            assertThat(output).containsPattern("IoT Hub devices: [1-9][0-9]* messages sent, each once in Kafka \\(([1-9][0-9]*) in telemetry, "
                    + "[0-9]+ in telemetry-invalid, [0-9]+ in telemetry-errors\\); their \\1 readings once each in Cosmos DB and in the lake");
            assertThat(output).containsPattern("MQTT \\(10 devices\\) +([1-9][0-9]*) +\\1 +\\1 +\\1\n");
            assertThat(output).containsPattern("IoT Hub \\(4 devices\\) +([1-9][0-9]*) +\\1 +\\1 +\\1\n");
            assertThat(output).containsPattern("hub-sensor-004 +[1-9][0-9]* readings +avg temperature +[0-9.]+");
            // The lake holds every record of Kafka once, and the per-device query over its files agrees with Kafka. A
            // _SUCCESS marker needs every partition past an hour's end: a short run may well have none.
            assertThat(output).containsPattern("files in the lake    : [1-9][0-9]* committed Parquet files under .*: ([1-9][0-9]*) rows "
                    + "in telemetry \\(for \\1 records\\), ([0-9]+) in alerts \\(for \\2\\); [0-9]+ _SUCCESS markers");
            assertThat(output).contains("DuckDB over the lake : SELECT deviceId, count(*) AS readings, avg(temperature)",
                    "each record of telemetry and alerts once; the DuckDB query's readings and average temperature per device match");
            assertThat(output).containsPattern("sensor-009 +[1-9][0-9]* readings +avg temperature +[0-9.]+");
            Path lakeTopics = LocalStack.lakeTopics(state);
            try (var files = Files.walk(lakeTopics.resolve("telemetry"))) {
                assertThat(files.filter(Files::isRegularFile).map(f -> lakeTopics.relativize(f).toString()).toList())
                        .as("hourly Hive directories, files named by topic, partition and start offset")
                        .isNotEmpty()
                        .allMatch(name -> name.matches("telemetry/dt=\\d{4}-\\d\\d-\\d\\d/hour=\\d\\d/"
                                + "(telemetry\\+[0-5]\\+\\d{19}\\.parquet|_SUCCESS)"));
            }
            assertThat(output).doesNotContain("LOST", "STALLED", "FAILED", "DUPLICATED", "WRONG");
            Path logs = state.resolve("logs");
            assertThat(Files.readString(logs.resolve("connect.log"))).as("Connect's log, with connector context")
                    .contains("INFO [mqtt-source|task-0]").doesNotContain("Reconfiguration failed");
            assertThat(Files.size(logs.resolve("kafka.log"))).as("the broker's INFO log").isGreaterThan(10_000);
            assertThat(logs.resolve("mosquitto.log")).exists();
            assertThat(logs.resolve("cosmosdb.log")).exists();
            assertThat(StackLock.isHeld(state)).as("the lock is released when the stack stops").isFalse();

            // The worker runs on Kafka's class path alone, as a real worker does, so our plugins meet the isolation
            // users get; and a run where nothing went wrong logs no error and no stack trace.
            String log = Files.readString(workerLog);
            String classpath = log.lines().filter(line -> line.contains("jvm.classpath = ")).findFirst().orElseThrow()
                    .replaceAll(".*jvm\\.classpath = ", "").trim();
            Path runtime = REPOSITORY.resolve("local-stack/runtime/target/lib");
            assertThat(Arrays.stream(classpath.split(java.io.File.pathSeparator)).map(Path::of).toList())
                    .as("the worker's class path").isNotEmpty().allMatch(entry -> entry.getParent().equals(runtime))
                    .noneMatch(entry -> entry.getFileName().toString().matches("(mqtt-source-connector|anomaly-smt|cosmos-sink-connector|"
                            + "datalake-sink-connector|iothub-source-connector|connect-common|test-support|azure-.*|local-stack.*)-.*"))
                    .anyMatch(entry -> entry.getFileName().toString().startsWith("connect-basic-auth-extension-"));
            List<String> problems = log.lines().filter(line -> line.matches("\\[[^]]+\\] ERROR .*") || line.startsWith("\tat ")
                    || line.startsWith("Caused by: ")).limit(20).toList();
            assertThat(problems).as("errors and stack traces in %s", workerLog).isEmpty();
        } finally {
            for (ServerSocket squatter : squatters) {
                if (squatter != null) {
                    squatter.close();
                }
            }
        }
    }

    @Test
    void theSummaryFailsWhenASinkStallsAndATaskFails() throws Exception {
        Run run = start("local-stack-it-broken", 40);
        awaitOutput(run, "Simulating 10 MQTT devices on devices/<id>/telemetry and 4 IoT Hub devices");
        String connect = run.stack().ports().connectUrl();
        Path state = Path.of("target", "local-stack-it-broken").toAbsolutePath();
        // A sink that stops writing: the live state of every device falls behind its newest reading.
        send(state, "PUT", connect + "/connectors/cosmos-devices/pause", null);
        // A task that fails: strict malformed-message handling on the alerts source, and the simulator sends some.
        ObjectNode alerts = (ObjectNode) get(state, connect + "/connectors/mqtt-alerts/config");
        alerts.put("mqtt.error.handling", "fail");
        send(state, "PUT", connect + "/connectors/mqtt-alerts/config", JSON.writeValueAsString(alerts));

        int exit = run.status().get(6, TimeUnit.MINUTES);
        String output = run.text();
        assertThat(exit).as(output).isEqualTo(1);
        assertThat(output).containsPattern("STALLED: cosmos-devices: the live state of sensor-[0-9]{3} is (missing|from [0-9T:.Z-]+), "
                + "its newest reading is from ");
        assertThat(output).containsPattern("FAILED: mqtt-alerts task 0 is FAILED: .*mqtt.error.handling=fail");
        assertThat(output).contains("FAILED: cosmos-devices is PAUSED", "Result: PROBLEMS FOUND (exit status 1)");
        assertThat(output).containsPattern("mqtt-alerts task 0 is FAILED").as("the progress line shows the failed task");
    }

    /**
     * The local addresses of the sockets listening on {@code ports}, from the kernel's own tables (Linux): what a
     * process on another machine could reach, whatever the servers say of themselves.
     */
    private static List<String> listeningAddresses(Set<Integer> ports) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            for (String line : Files.readAllLines(file).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                String[] local = fields[1].split(":");
                if (fields[3].equals("0A") && ports.contains(Integer.parseInt(local[1], 16))) {
                    addresses.add(kernelAddress(local[0]));
                }
            }
        }
        return addresses;
    }

    /** A /proc/net/tcp address: 4-byte words in host (little-endian) order. */
    private static String kernelAddress(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int i = 0; i < 4; i++) {
                bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(word * 8 + (3 - i) * 2, word * 8 + (3 - i) * 2 + 2), 16);
            }
        }
        try {
            String address = java.net.InetAddress.getByAddress(bytes).getHostAddress();
            return bytes.length == 16 && address.startsWith("0:0:0:0:0:ffff:") ? "::ffff:" + java.net.InetAddress.getByAddress(
                    Arrays.copyOfRange(bytes, 12, 16)).getHostAddress() : address.equals("0:0:0:0:0:0:0:1") ? "::1" : address;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int statusOf(String url, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static ServerSocket occupy(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return socket;
        } catch (IOException e) {
            return null; // already taken by someone else: just as good
        }
    }

    private static void awaitOutput(Run run, String text) throws InterruptedException {
        awaitTrue(() -> run.text().contains(text) || run.status().isDone(), Duration.ofMinutes(4));
        assertThat(run.text()).as("the stack started").contains(text);
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static long countFiles(Path directory) throws IOException {
        try (var files = Files.walk(directory)) {
            return files.count();
        }
    }

    private static JsonNode get(Path state, String url) throws IOException, InterruptedException {
        return JSON.readTree(send(state, "GET", url, null));
    }

    /** A request to the worker of the stack running from {@code state}, logged in as the stack's own tools are. */
    private static String send(Path state, String method, String url, String body) throws IOException, InterruptedException {
        ConnectCredentials login = ConnectCredentials.readFrom(state);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", login.authorization())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, url, response.body()).isLessThan(300);
        return response.body();
    }

    /** Writes to two streams, so the test's output file shows the progress too. */
    private static final class TeeStream extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        TeeStream(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
