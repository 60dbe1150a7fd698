package io.iotconnect.localstack;

import io.iotconnect.testing.DataLakeServerMain;
import io.iotconnect.testing.EventHubsEndpointMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so it is checked statically: every image pinned to a
 * version, every file and directory it mounts present, dependencies between services resolvable, and the topology
 * the README promises (3 KRaft brokers with replication 3 and min.insync.replicas 2, 2 Connect workers sharing the
 * plugins, MQTT broker, the local Data Lake and IoT Hub endpoints, a schema registry, Kafka UI, simulators, the
 * connect-config job).
 */
class DockerComposeTest {

    private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+:(?!latest$)[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?");

    private static Path repository;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        repository = Path.of("..").toAbsolutePath().normalize();
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(100);
        try (Reader reader = Files.newBufferedReader(repository.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml(options).load(reader);
            services = (Map<String, Map<String, Object>>) (Map<?, ?>) compose.get("services");
        }
    }

    /** Images whose publisher gives no versioned tag, with why; allowed only in services behind an opt-in profile. */
    private static final Map<String, String> UNVERSIONED_BY_PUBLISHER = Map.of(
            "mcr.microsoft.com/cosmosdb/linux/azure-cosmos-emulator",
            "Microsoft publishes the Linux Cosmos DB emulator only under moving tags (vnext-preview, vnext-latest)");

    @Test
    void everyImageIsPinnedToAVersion() {
        services.forEach((name, service) -> {
            String image = (String) service.get("image");
            assertThat(image).as("image of %s", name).isNotNull();
            String repository = image.substring(0, image.lastIndexOf(':'));
            if (UNVERSIONED_BY_PUBLISHER.containsKey(repository)) {
                assertThat(service.get("profiles")).as("%s (%s) must be opt-in, behind a profile", name,
                        UNVERSIONED_BY_PUBLISHER.get(repository)).isNotNull();
            } else {
                assertThat(image).as("image of %s", name).matches(PINNED);
            }
        });
    }

    @Test
    void theLinuxCosmosDbEmulatorIsOneProfileAway() {
        assertThat(services).containsKey("cosmos-emulator");
        assertThat((String) services.get("cosmos-emulator").get("image"))
                .startsWith("mcr.microsoft.com/cosmosdb/linux/azure-cosmos-emulator:");
        assertThat(services.get("cosmos-emulator").get("command").toString()).contains("https");
        for (String link : List.of("cosmos-link-1", "cosmos-link-2")) {
            assertThat(services.get(link).get("command").toString()).as("%s follows COSMOS_HOST", link)
                    .contains("${COSMOS_HOST:-cosmos}:8081");
        }
    }

    @Test
    void everyMountedFileExists() {
        List<String> missing = new ArrayList<>();
        services.forEach((name, service) -> {
            for (Object volume : (List<?>) service.getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith("./") && !Files.exists(repository.resolve(source))) {
                    missing.add(name + ": " + source);
                }
            }
        });
        assertThat(missing).as("bind mounts whose source is missing (build first: mvn package)").isEmpty();
    }

    @Test
    void dependenciesNameExistingServices() {
        services.forEach((name, service) -> {
            Object dependsOn = service.get("depends_on");
            Collection<?> names = dependsOn instanceof Map<?, ?> map ? map.keySet() : dependsOn instanceof List<?> list ? list : List.of();
            assertThat(services.keySet()).as("depends_on of %s", name).containsAll(names.stream().map(Object::toString).toList());
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void threeKraftBrokersWithReplicationThreeAndMinIsrTwo() {
        List<String> brokers = services.keySet().stream().filter(s -> s.startsWith("kafka-") && !s.equals("kafka-ui")).toList();
        assertThat(brokers).hasSize(3);
        for (String broker : brokers) {
            Map<String, Object> env = (Map<String, Object>) services.get(broker).get("environment");
            assertThat(env.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")).isEqualTo(3);
            assertThat(env.get("KAFKA_MIN_INSYNC_REPLICAS")).isEqualTo(2);
            assertThat((String) env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).contains("1@kafka-1:9093", "2@kafka-2:9093", "3@kafka-3:9093");
            assertThat((String) env.get("CLUSTER_ID")).hasSize(22);
        }
    }

    @Test
    void twoConnectWorkersWithThePluginsAndTheirConfigs() throws IOException {
        for (String worker : List.of("connect-1", "connect-2")) {
            Map<String, Object> service = services.get(worker);
            assertThat(service).as(worker).isNotNull();
            List<?> volumes = (List<?>) service.get("volumes");
            assertThat(volumes).anyMatch(v -> v.toString().startsWith("connect-plugins:/opt/connect-plugins"));
            String properties = Files.readString(repository.resolve("docker/connect/" + worker + ".properties"));
            assertThat(properties).contains("plugin.path=/opt/connect-plugins", "group.id=iot-connect", "replication.factor=3");
        }
        String installed = services.get("plugin-installer").get("volumes").toString();
        try (Stream<Path> modules = Files.list(repository)) {
            for (Path module : modules.filter(m -> Files.exists(m.resolve(".connect-plugin"))).toList()) {
                assertThat(installed).as("plugin archive of %s installed", module.getFileName())
                        .contains("./" + module.getFileName() + "/target:/archives/");
            }
        }
    }

    @Test
    void theRestOfThePipelineIsThere() throws IOException {
        assertThat(services).containsKeys("mosquitto", "kafka-ui", "simulator", "connect-config");
        String job = services.get("connect-config").get("command").toString();
        assertThat(job).contains("/connect-config/apply.mjs", "mqtt.server.uris=tcp://mosquitto:1883");
        try (Stream<Path> configs = Files.list(repository.resolve("connect-config"))) {
            for (Path config : configs.filter(c -> c.toString().endsWith(".json")).toList()) {
                assertThat(job).as("the job applies %s", config.getFileName()).contains("/connect-config/" + config.getFileName());
            }
        }
        assertThat(services.get("simulator").get("command").toString()).contains(DeviceSimulator.class.getName());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDataLakeIsTheInRepoEndpointReachableFromTheWorkersOrARealAccount() throws IOException {
        Map<String, Object> lake = services.get("datalake");
        assertThat(lake).as("the datalake service").isNotNull();
        List<String> command = ((List<Object>) lake.get("command")).stream().map(Object::toString).toList();
        assertThat(command).contains(DataLakeServerMain.class.getName());
        assertThat(command.get(command.indexOf("--key") + 1)).isEqualTo(DataLakeServerMain.DEVELOPMENT_KEY);
        assertThat(command.get(command.indexOf("--account") + 1)).isEqualTo(DataLakeServerMain.DEVELOPMENT_ACCOUNT);
        String port = command.get(command.indexOf("--port") + 1);

        // Its classpath is what mvn package builds: the launcher's runtime libraries, test-support among them.
        String classpath = command.get(command.indexOf("-cp") + 1);
        assertThat(classpath).isEqualTo("/app/lib/*");
        assertThat(lake.get("volumes").toString()).contains("./local-stack/target:/app");
        // target/lib is filled at package, after this test runs: check the dependency that puts test-support there
        // (runtime scope, which copy-dependencies copies), not the directory.
        String pom = Files.readString(repository.resolve("local-stack/pom.xml"));
        assertThat(pom).as("test-support on the endpoint's classpath")
                .containsPattern("<artifactId>test-support</artifactId>\\s*</dependency>")
                .contains("<goal>copy-dependencies</goal>", "<includeScope>runtime</includeScope>");

        // DataLakeServer listens on 127.0.0.1: the link in its network namespace opens it to the other containers.
        Map<String, Object> link = services.get("datalake-link");
        assertThat(link.get("network_mode")).isEqualTo("service:datalake");
        String forward = link.get("command").toString();
        assertThat(forward).contains("TCP:127.0.0.1:" + port);
        String exposed = forward.replaceAll(".*TCP-LISTEN:([0-9]+).*", "$1");

        String job = services.get("connect-config").get("command").toString();
        assertThat(job).contains("datalake.endpoint=${DATALAKE_ENDPOINT:-http://datalake:" + exposed + "/" + DataLakeServerMain.DEVELOPMENT_ACCOUNT + "}",
                "datalake.filesystem=${DATALAKE_FILESYSTEM:-iot}", "/connect-config/datalake-sink.json");
        assertThat(((Map<String, Object>) services.get("connect-config").get("depends_on"))).containsKey("datalake-link");
        for (String worker : List.of("connect-1", "connect-2")) {
            Map<String, Object> env = (Map<String, Object>) services.get(worker).get("environment");
            assertThat(env.get("DATALAKE_KEY")).as("%s reads the lake key from the environment", worker)
                    .isEqualTo("${DATALAKE_KEY:-" + DataLakeServerMain.DEVELOPMENT_KEY + "}");
        }
        assertThat(Files.readString(repository.resolve("connect-config/datalake-sink.json"))).contains("${env:DATALAKE_KEY}");
    }

    @Test
    @SuppressWarnings("unchecked")
    void avroIsOneVariableAwayWithTheRegistryTheTestsRunAndTheConverterOnThePluginPath() throws IOException {
        // The registry image is the server version the tests and ./run-local.sh --avro run from Maven Central.
        String version = Files.readString(repository.resolve("pom.xml"))
                .replaceAll("(?s).*<apicurio-registry\\.version>([^<]+)</apicurio-registry\\.version>.*", "$1");
        Map<String, Object> registry = services.get("schema-registry");
        assertThat(registry).as("the schema-registry service").isNotNull();
        assertThat((String) registry.get("image")).isEqualTo("quay.io/apicurio/apicurio-registry-mem:" + version);

        // Off by default: the job passes an unset variable as an empty --avro, which apply.mjs takes as no Avro.
        List<String> job = ((List<Object>) services.get("connect-config").get("command")).stream().map(Object::toString).toList();
        assertThat(job.get(job.indexOf("--avro") + 1)).isEqualTo("${AVRO_REGISTRY_URL:-}");
        assertThat(((Map<String, Object>) services.get("connect-config").get("depends_on"))).containsKey("schema-registry");
        assertThat(services.get("kafka-ui").get("environment").toString())
                .contains("KAFKA_CLUSTERS_0_SCHEMAREGISTRY=http://schema-registry:8080/apis/ccompat/v7");

        // The converter's plugin directory, manifest jar included, copied whole onto the workers' plugin.path.
        String installer = services.get("plugin-installer").toString();
        assertThat(installer).contains("./" + LocalStack.AVRO_CONVERTER_PLUGIN + ":/converters/apicurio-avro-converter",
                "cp -r /converters/apicurio-avro-converter /opt/connect-plugins/");
        assertThat(Files.readString(repository.resolve("local-stack/avro-converter/src/main/resources/META-INF/services/"
                + "org.apache.kafka.connect.storage.Converter"))).contains("io.apicurio.registry.utils.converter.AvroConverter", "io.iotconnect.avro.RetryingAvroConverter");
        for (String worker : List.of("connect-1", "connect-2")) {
            assertThat(Files.readString(repository.resolve("docker/connect/" + worker + ".properties")))
                    .contains("plugin.discovery=service_load");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theIotHubIsTheInRepoEndpointReachableFromTheWorkersOrARealHub() throws IOException {
        Map<String, Object> iothub = services.get("iothub");
        assertThat(iothub).as("the iothub service").isNotNull();
        List<String> command = ((List<Object>) iothub.get("command")).stream().map(Object::toString).toList();
        assertThat(command).contains(EventHubsEndpointMain.class.getName());
        assertThat(command.get(command.indexOf("-cp") + 1)).isEqualTo("/app/lib/*");
        assertThat(iothub.get("volumes").toString()).contains("./local-stack/target:/app");
        String hub = command.get(command.indexOf("--hub") + 1);
        assertThat(hub).isEqualTo(EventHubsEndpointMain.DEFAULT_HUB);
        assertThat(Integer.parseInt(command.get(command.indexOf("--partitions") + 1))).isPositive();
        String port = command.get(command.indexOf("--port") + 1);

        // EventHubsEndpoint listens on 127.0.0.1: the link in its network namespace opens it to the other containers.
        Map<String, Object> link = services.get("iothub-link");
        assertThat(link.get("network_mode")).isEqualTo("service:iothub");
        String forward = link.get("command").toString();
        assertThat(forward).contains("TCP:127.0.0.1:" + port);
        String exposed = forward.replaceAll(".*TCP-LISTEN:([0-9]+).*", "$1");
        String local = "Endpoint=sb://iothub:" + exposed + ";";
        String entity = ";EntityPath=" + hub + ";UseDevelopmentEmulator=true";

        // The workers read the connection string from the environment: the local endpoint's, or a real hub's.
        for (String worker : List.of("connect-1", "connect-2")) {
            String value = ((Map<String, Object>) services.get(worker).get("environment")).get("IOTHUB_CONNECTION_STRING").toString();
            assertThat(value).as("%s reads the IoT Hub connection string from the environment", worker)
                    .startsWith("${IOTHUB_CONNECTION_STRING:-" + local).endsWith(entity + "}");
        }
        assertThat(Files.readString(repository.resolve("connect-config/iothub-source.json"))).contains("${env:IOTHUB_CONNECTION_STRING}");

        // The IoT Hub devices send to the local endpoint through the same link.
        List<String> simulator = ((List<Object>) services.get("iothub-simulator").get("command")).stream().map(Object::toString).toList();
        assertThat(simulator).contains(IotHubDeviceSimulator.class.getName());
        assertThat(simulator.get(simulator.indexOf("--connection-string") + 1)).startsWith(local).endsWith(entity);
        assertThat(services.get("iothub-simulator").get("depends_on").toString()).contains("iothub-link");

        assertThat(services.get("connect-config").get("command").toString()).contains("/connect-config/iothub-source.json");
        assertThat(((Map<String, Object>) services.get("connect-config").get("depends_on"))).containsKey("iothub-link");
        assertThat(services.get("plugin-installer").get("volumes").toString())
                .contains("./iothub-source-connector/target:/archives/iothub-source-connector");
    }
}
