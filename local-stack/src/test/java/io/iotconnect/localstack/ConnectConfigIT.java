package io.iotconnect.localstack;

import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.SchemaRegistryServer;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * connect-config/ against a real worker: every committed connector JSON validates and runs when applied by
 * apply.mjs, and a broken one is refused with its errors printed per key and a failing exit status; with --avro, the
 * MQTT source writes Confluent-framed Avro through a real registry (Apicurio's converter is on this module's class
 * path, with the manifest local-stack/avro-converter adds for it).
 */
class ConnectConfigIT {

    private static Path repository;
    private static MosquittoBroker broker;
    private static EmbeddedConnectCluster connect;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void start() {
        repository = Path.of("..").toAbsolutePath().normalize();
        broker = servers.add(MosquittoBroker.start());
        connect = servers.connect("connect-config-it", 1);
    }

    private record Result(int exit, String output) {
    }

    private static Result apply(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", repository.resolve("connect-config/apply.mjs").toString(),
                "--url", connect.endpointForResource("").replaceAll("/+$", "")));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output);
    }

    @Test
    void committedConfigsValidateApplyAndRun() throws Exception {
        Result result = apply("--wait", "30", "--wait-running", "60", "--set", "mqtt.server.uris=" + broker.uri(),
                "--set", "topic.creation.default.replication.factor=1",
                repository.resolve("connect-config/mqtt-source.json").toString(),
                repository.resolve("connect-config/mqtt-alerts.json").toString());
        assertThat(result.exit()).as(result.output()).isZero();
        assertThat(result.output()).contains("✓ mqtt-source (mqtt-source.json) created", "✓ mqtt-alerts (mqtt-alerts.json) created",
                "connector RUNNING");
        assertThat(connect.connectorStatus("mqtt-source").tasks()).hasSize(2).allMatch(t -> t.state().equals("RUNNING"));
        assertThat(connect.connectorStatus("mqtt-alerts").tasks()).hasSize(1).allMatch(t -> t.state().equals("RUNNING"));
        connect.deleteConnector("mqtt-alerts");

        Result again = apply("--set", "mqtt.server.uris=" + broker.uri(), repository.resolve("connect-config/mqtt-source.json").toString());
        assertThat(again.output()).contains("✓ mqtt-source (mqtt-source.json) updated");
        connect.deleteConnector("mqtt-source");
    }

    @Test
    void avroSwitchesTheConvertersAndTheSourcesSchemaKeysAndReadingsArriveFramedWithARegisteredSchema() throws Exception {
        try (SchemaRegistryServer registry = SchemaRegistryServer.start();
             MqttTestPublisher device = new MqttTestPublisher(broker.uri())) {
            Result result = apply("--wait", "30", "--wait-running", "60", "--avro", registry.registryApiUrl(),
                    "--set", "mqtt.server.uris=" + broker.uri(), "--set", "topic.creation.default.replication.factor=1",
                    repository.resolve("connect-config/mqtt-source.json").toString());
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.output()).contains("Avro: every value converter is io.iotconnect.avro.RetryingAvroConverter",
                    "✓ mqtt-source (mqtt-source.json) created", "connector RUNNING");
            Map<String, String> config = connect.connectorInfo("mqtt-source").config();
            assertThat(config)
                    .containsEntry("value.converter", "io.iotconnect.avro.RetryingAvroConverter")
                    .containsEntry("value.converter.apicurio.registry.url", registry.registryApiUrl())
                    .containsEntry("value.converter.apicurio.registry.as-confluent", "true")
                    .containsEntry("value.converter.apicurio.registry.use-id", "contentId")
                    .containsEntry("value.converter.apicurio.registry.headers.enabled", "false")
                    .containsEntry("mqtt.value.json.field.names", "avro")
                    .containsEntry("mqtt.value.json.schema.name", "io.iotconnect.${topic}")
                    .containsEntry("mqtt.value.json.schema.scope", "topic")
                    .containsEntry("mqtt.value.json.number.mode", "float64")
                    .containsEntry("errors.tolerance", "all")
                    .containsEntry("errors.log.enable", "true")
                    .doesNotContainKey("value.converter.schemas.enable");

            // The task subscribes as it starts: send until a reading is through.
            String reading = "{\"deviceId\":\"sensor-001\",\"ts\":\"" + Instant.now() + "\",\"temperature\":21.5,"
                    + "\"humidity\":40,\"pressure\":1013,\"battery\":90}";
            List<ConsumerRecord<byte[], byte[]>> records = List.of();
            for (int attempt = 0; attempt < 12 && records.isEmpty(); attempt++) {
                device.publish("devices/sensor-001/telemetry", reading, 1);
                records = TopicReader.readUntil(connect.kafka(), "telemetry", r -> !r.isEmpty(), Duration.ofSeconds(5));
            }
            assertThat(records).as("a reading in telemetry").isNotEmpty();
            byte[] value = records.get(0).value();
            assertThat(value[0]).as("Confluent magic byte").isZero();
            int id = ByteBuffer.wrap(value, 1, 4).getInt();
            assertThat(registry.schemaStatus(id)).as("GET /schemas/ids/%d", id).isEqualTo(200);
            org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(registry.schema(id));
            assertThat(schema.getFullName()).isEqualTo("io.iotconnect.telemetry");
            assertThat(schema.getField("temperature")).isNotNull();
            assertThat(registry.subjects()).contains("telemetry-value");
            connect.deleteConnector("mqtt-source");
        }
    }

    @Test
    void invalidConfigIsRefusedWithErrorsPerKeyAndNothingApplied() throws Exception {
        Path broken = Files.createTempFile("broken", ".json");
        Files.writeString(broken, Files.readString(repository.resolve("connect-config/mqtt-source.json"))
                .replace("\"mqtt-source\"", "\"broken-source\"")
                .replace("\"mqtt.qos\": \"1\"", "\"mqtt.qos\": \"0\"")
                .replace("devices/+/telemetry", "devices/#/telemetry"));
        Result result = apply(broken.toString());
        assertThat(result.exit()).as(result.output()).isEqualTo(1);
        assertThat(result.output()).contains("✗ broken-source").contains("mqtt.topics: ").contains("'#' must be a whole level");
        assertThat(connect.connectors()).doesNotContain("broken-source");

        Files.writeString(broken, Files.readString(repository.resolve("connect-config/mqtt-source.json"))
                .replace("\"mqtt-source\"", "\"broken-source\"")
                .replace("\"mqtt.qos\": \"1\"", "\"mqtt.qos\": \"0\""));
        result = apply("--validate-only", broken.toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.output()).contains("mqtt.qos: QoS 0 with a shared subscription loses");
    }

    @Test
    void unreachableWorkerAndBadUsageExitWithTwo() throws Exception {
        Process process = new ProcessBuilder("node", repository.resolve("connect-config/apply.mjs").toString(),
                "--url", "http://127.0.0.1:1", repository.resolve("connect-config/mqtt-source.json").toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("no Kafka Connect worker answers");
        assertThat(apply("--set", "novalue").exit()).isEqualTo(2);
    }
}
