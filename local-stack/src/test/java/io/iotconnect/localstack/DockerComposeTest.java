package io.iotconnect.localstack;

import io.iotconnect.testing.DataLakeServerMain;
import io.iotconnect.testing.EventHubsEndpointMain;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.security.URIParameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so it is checked statically: every image pinned to a
 * version, every file and directory it mounts present, dependencies between services resolvable, and the topology
 * the README promises (3 KRaft brokers with replication 3 and min.insync.replicas 2, 2 Connect workers sharing the
 * plugins, MQTT broker, the local Data Lake and IoT Hub endpoints, a schema registry, Kafka UI, simulators, the
 * connect-config job), closed by default: ports on 127.0.0.1, logins for the REST API, Kafka UI and MQTT with their
 * passwords from .env, config providers that read only the secrets the configs name.
 */
class DockerComposeTest {

    private static final Pattern PINNED = Pattern.compile("[a-z0-9./_-]+:(?!latest$)[A-Za-z0-9._-]*[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?");

    private static final List<String> WORKERS = List.of("connect-1", "connect-2");
    private static final String LOOPBACK_BY_DEFAULT = "${PUBLISH_ADDRESS:-127.0.0.1}:";

    private static Path repository;
    private static String composeText;
    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        repository = Path.of("..").toAbsolutePath().normalize();
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(100);
        composeText = Files.readString(repository.resolve("docker-compose.yml"));
        try (Reader reader = new StringReader(composeText)) {
            compose = new Yaml(options).load(reader);
            services = (Map<String, Map<String, Object>>) (Map<?, ?>) compose.get("services");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(String service) {
        return (Map<String, Object>) services.get(service).getOrDefault("environment", Map.of());
    }

    private static String command(String service) {
        Object command = services.get(service).get("command");
        return command instanceof List<?> list ? String.join(" ", list.stream().map(Object::toString).toList()) : String.valueOf(command);
    }

    private static Properties workerProperties(String worker) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(repository.resolve("docker/connect/" + worker + ".properties"))) {
            properties.load(reader);
        }
        return properties;
    }

    /** "${NAME:?message}": compose refuses to start while NAME is unset or empty. */
    private static String required(String name) {
        return "${" + name + ":?";
    }

    @Test
    void everyPublishedPortListensOnLoopbackUnlessOpenedDeliberately() {
        List<String> published = new ArrayList<>();
        services.forEach((name, service) -> {
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                published.add(name + " " + port);
                assertThat(port).as("%s publishes %s", name, port).isInstanceOf(String.class);
                assertThat((String) port).as("%s publishes %s: on 127.0.0.1 unless PUBLISH_ADDRESS opens it", name, port)
                        .startsWith(LOOPBACK_BY_DEFAULT).matches(Pattern.quote(LOOPBACK_BY_DEFAULT) + "[0-9]+:[0-9]+");
            }
        });
        assertThat(published).as("the REST API, Kafka UI, the registry and MQTT are reachable from the host")
                .anyMatch(p -> p.startsWith("connect-1 ")).anyMatch(p -> p.startsWith("kafka-ui "))
                .anyMatch(p -> p.startsWith("schema-registry ")).anyMatch(p -> p.startsWith("mosquitto "));
    }

    @Test
    void theRestApiTakesBasicAuthenticationWithAPasswordFromTheEnvironment() throws Exception {
        String credentialsFile = "/tmp/connect-credentials.properties";
        for (String worker : WORKERS) {
            assertThat(workerProperties(worker).getProperty("rest.extension.classes")).as(worker)
                    .isEqualTo(ConnectCredentials.REST_EXTENSION);
            Map<String, Object> env = environment(worker);
            assertThat(env.get("CONNECT_PASSWORD").toString()).as("%s: no default password", worker).startsWith(required("CONNECT_PASSWORD"));
            // The extension reads its JAAS entry once: the file must be named as the JVM starts.
            assertThat(env.get("KAFKA_OPTS").toString()).contains("-Djava.security.auth.login.config=/etc/connect/connect-jaas.conf");
            assertThat(services.get(worker).get("volumes").toString())
                    .contains("./docker/connect/connect-jaas.conf:/etc/connect/connect-jaas.conf:ro");
            // The credentials file is written at start by the shell's own printf (no password on a command line),
            // owner-only, and the password is gone from the environment the worker and its env provider see.
            String start = command(worker);
            assertThat(start).contains("umask 077", "printf '%s=%s\\n' \"$$CONNECT_USERNAME\" \"$$CONNECT_PASSWORD\" > " + credentialsFile,
                    "unset CONNECT_PASSWORD && exec /opt/kafka/bin/connect-distributed.sh /etc/connect/connect.properties");
            // Healthy once it answers and refuses a request without a login: needs no password.
            String health = services.get(worker).get("healthcheck").toString();
            assertThat(health).contains("401").doesNotContain("PASSWORD");
        }

        // Java's own JAAS parser reads the file the workers get: the KafkaConnect entry, the property file module, the file written.
        Configuration jaas = Configuration.getInstance("JavaLoginConfig",
                new URIParameter(repository.resolve("docker/connect/connect-jaas.conf").toUri()));
        AppConfigurationEntry[] entries = jaas.getAppConfigurationEntry(ConnectCredentials.JAAS_ENTRY);
        assertThat(entries).hasSize(1);
        assertThat(entries[0].getLoginModuleName()).isEqualTo(ConnectCredentials.LOGIN_MODULE);
        assertThat(entries[0].getControlFlag()).isEqualTo(AppConfigurationEntry.LoginModuleControlFlag.REQUIRED);
        assertThat(entries[0].getOptions().get("file")).isEqualTo(credentialsFile);

        // Whoever talks to the REST API logs in: the job from its environment (never its arguments), Kafka UI as well.
        Map<String, Object> job = environment("connect-config");
        assertThat(job.get("CONNECT_USERNAME").toString()).isEqualTo("${CONNECT_USERNAME:-iot-connect}");
        assertThat(job.get("CONNECT_PASSWORD").toString()).startsWith(required("CONNECT_PASSWORD"));
        assertThat(command("connect-config")).doesNotContain("CONNECT_PASSWORD", "@connect-1");
        Map<String, Object> ui = environment("kafka-ui");
        assertThat(ui.get("KAFKA_CLUSTERS_0_KAFKACONNECT_0_USERNAME").toString()).isEqualTo("${CONNECT_USERNAME:-iot-connect}");
        assertThat(ui.get("KAFKA_CLUSTERS_0_KAFKACONNECT_0_PASSWORD").toString()).startsWith(required("CONNECT_PASSWORD"));
    }

    /** Every ${env:NAME} the connector configs and the connect-config job's --set values reference. */
    private static Set<String> referencedEnvironmentVariables() throws IOException {
        Pattern reference = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
        StringBuilder text = new StringBuilder(command("connect-config").replace("$${", "${"));
        try (Stream<Path> configs = Files.list(repository.resolve("connect-config"))) {
            for (Path config : configs.filter(c -> c.toString().endsWith(".json")).toList()) {
                text.append(Files.readString(config));
            }
        }
        Set<String> names = new TreeSet<>();
        Matcher matcher = reference.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    @Test
    void configProvidersReadOnlyTheSecretsTheConfigsName() throws Exception {
        Set<String> referenced = referencedEnvironmentVariables();
        assertThat(referenced).contains("COSMOS_KEY", "DATALAKE_KEY", "IOTHUB_CONNECTION_STRING", "MQTT_PASSWORD");
        for (String worker : WORKERS) {
            Properties properties = workerProperties(worker);
            // Never 'time' or 'topic': datalake-sink.json's templates use ${time:...} and ${topic}.
            assertThat(properties.getProperty("config.providers").split(",")).containsExactlyInAnyOrder("env", "file");

            // Kafka's own provider, configured as the worker configures it, against a worker's environment: it serves
            // the referenced secrets and nothing else (not the REST API's password, not PATH).
            Map<String, String> workerEnvironment = new HashMap<>(Map.of("PATH", "/usr/bin", "HOME", "/home/appuser",
                    "CONNECT_USERNAME", "u", "CONNECT_PASSWORD", "p", "MQTT_USERNAME", "d", "KAFKA_OPTS", "-D",
                    "COSMOS_KEY_BACKUP", "x", "AWS_SECRET_ACCESS_KEY", "s"));
            referenced.forEach(name -> workerEnvironment.put(name, "secret"));
            Map<String, Object> providerConfig = new HashMap<>();
            String prefix = "config.providers.env.param.";
            properties.stringPropertyNames().stream().filter(key -> key.startsWith(prefix))
                    .forEach(key -> providerConfig.put(key.substring(prefix.length()), properties.getProperty(key)));
            assertThat(providerConfig).as("%s restricts the env provider", worker).containsKey(EnvVarConfigProvider.ALLOWLIST_PATTERN_CONFIG);
            try (EnvVarConfigProvider env = new EnvVarConfigProvider(workerEnvironment)) {
                env.configure(providerConfig);
                assertThat(env.get("").data().keySet()).as("%s: what ${env:...} resolves", worker)
                        .containsExactlyInAnyOrderElementsOf(referenced);
            }
            // Each referenced secret is in the workers' environment.
            assertThat(environment(worker).keySet()).as(worker).containsAll(referenced);

            // The file provider reads the secrets directory alone, mounted read-only from the repository's.
            assertThat(properties.getProperty("config.providers.file.param.allowed.paths")).isEqualTo("/etc/connect/secrets");
            assertThat(services.get(worker).get("volumes").toString()).contains("./docker/connect/secrets:/etc/connect/secrets:ro");
        }
        assertThat(Files.isDirectory(repository.resolve("docker/connect/secrets"))).as("it must exist when a worker starts").isTrue();
    }

    @Test
    void mosquittoTakesNoAnonymousClientsAndEveryClientLogsIn() throws IOException {
        List<String> conf = Files.readAllLines(repository.resolve("docker/mosquitto/mosquitto.conf"));
        assertThat(conf).contains("allow_anonymous false", "password_file /mosquitto/config/passwd").doesNotContain("allow_anonymous true");
        assertThat(environment("mosquitto").get("MQTT_PASSWORD").toString()).startsWith(required("MQTT_PASSWORD"));
        assertThat(command("mosquitto")).contains("umask 077",
                "printf '%s:%s\\n' \"$$MQTT_USERNAME\" \"$$MQTT_PASSWORD\" > /mosquitto/config/passwd",
                "mosquitto_passwd -U /mosquitto/config/passwd", "chown mosquitto:mosquitto /mosquitto/config/passwd",
                "exec /usr/sbin/mosquitto -c /mosquitto/config/mosquitto.conf");

        // The devices log in from their environment; the MQTT sources with the workers' ${env:MQTT_PASSWORD}.
        assertThat(environment("simulator")).containsEntry("MQTT_USERNAME", "${MQTT_USERNAME:-iot-device}");
        assertThat(environment("simulator").get("MQTT_PASSWORD").toString()).startsWith(required("MQTT_PASSWORD"));
        assertThat(command("connect-config")).contains("mqtt.username=${MQTT_USERNAME:-iot-device}", "mqtt.password=$${env:MQTT_PASSWORD}");
        for (String config : List.of("mqtt-source.json", "mqtt-alerts.json")) {
            // --set changes only keys a file has.
            assertThat(Files.readString(repository.resolve("connect-config").resolve(config)))
                    .contains("\"mqtt.username\": \"\"", "\"mqtt.password\": \"\"");
        }
    }

    @Test
    void kafkaUiIsTheMaintainedForkBehindALoginForm() {
        assertThat((String) services.get("kafka-ui").get("image")).startsWith("kafbat/kafka-ui:v");
        Map<String, Object> env = environment("kafka-ui");
        assertThat(env).containsEntry("AUTH_TYPE", "LOGIN_FORM").containsKey("SPRING_SECURITY_USER_NAME");
        assertThat(env.get("SPRING_SECURITY_USER_PASSWORD").toString()).startsWith(required("KAFKA_UI_PASSWORD"));
    }

    @Test
    void everyRequiredVariableIsInEnvExampleWithoutAValueAndEnvIsNotCommitted() throws IOException {
        Set<String> requiredNames = new TreeSet<>();
        Matcher matcher = Pattern.compile("\\$\\{([A-Z_][A-Z0-9_]*):\\?").matcher(composeText);
        while (matcher.find()) {
            requiredNames.add(matcher.group(1));
        }
        assertThat(requiredNames).containsExactlyInAnyOrder("CONNECT_PASSWORD", "MQTT_PASSWORD", "KAFKA_UI_PASSWORD");
        List<String> example = Files.readAllLines(repository.resolve(".env.example"));
        for (String name : requiredNames) {
            assertThat(example).as(".env.example lists %s, empty: no password is committed", name).contains(name + "=");
        }
        assertThat(example).as("every password in .env.example is empty")
                .filteredOn(line -> line.matches("[A-Z_]*PASSWORD=.*")).allMatch(line -> line.endsWith("="));
        assertThat(Files.readAllLines(repository.resolve(".gitignore"))).contains(".env", "docker/connect/secrets/*");
    }

    @Test
    void theReadmeSaysHowToSecureADeployment() throws IOException {
        String readme = Files.readString(repository.resolve("README.md"));
        assertThat(readme).contains("## Securing a deployment");
        String section = readme.substring(readme.indexOf("## Securing a deployment"));
        section = section.substring(0, section.indexOf("\n## ", 5) > 0 ? section.indexOf("\n## ", 5) : section.length());
        assertThat(section).contains("127.0.0.1", "PUBLISH_ADDRESS", "TLS", "BasicAuthSecurityRestExtension", "PropertyFileLoginModule",
                "LoginModule", "CONNECT_USERNAME", "CONNECT_PASSWORD", ".env.example", "allowlist.pattern", "allowed.paths",
                "docker/connect/secrets", "allow_anonymous", "kafbat", "schema registry", "./run-local.sh");
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
