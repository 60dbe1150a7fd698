package io.iotconnect.localstack;

import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import java.io.IOException;
import java.io.StringReader;
import java.security.URIParameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local stack's worker is closed as the Docker stack's is: REST on 127.0.0.1 behind basic authentication with a
 * password drawn at each start and kept owner-only, and an env config provider that serves only the secrets the
 * connector configs name, whatever else the developer's environment holds.
 */
class LocalWorkerSecurityTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    private static Properties workerProperties() throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(LocalStack.connectProperties("127.0.0.1:9092", "http://127.0.0.1:8083", Path.of("/plugins"))));
        return properties;
    }

    @Test
    void theRestApiListensOnLoopbackBehindBasicAuthentication() throws IOException {
        Properties properties = workerProperties();
        assertThat(properties.getProperty("listeners")).isEqualTo("http://127.0.0.1:8083");
        assertThat(properties.getProperty("rest.extension.classes"))
                .isEqualTo("org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension");
        assertThat(StackPorts.DEFAULTS.connectUrl()).startsWith("http://127.0.0.1:");
    }

    @Test
    void theEnvProviderServesTheReferencedSecretsAndNothingElse() throws IOException {
        // What connect-config/ references, as the local stack applies it.
        Set<String> referenced = new TreeSet<>();
        try (Stream<Path> configs = Files.list(REPOSITORY.resolve("connect-config"))) {
            for (Path config : configs.filter(c -> c.toString().endsWith(".json")).toList()) {
                Matcher matcher = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}").matcher(Files.readString(config));
                while (matcher.find()) {
                    referenced.add(matcher.group(1));
                }
            }
        }
        assertThat(referenced).isNotEmpty();
        assertThat(LocalStack.WORKER_SECRETS).containsAll(referenced);

        Properties properties = workerProperties();
        assertThat(properties.getProperty("config.providers")).as("no file provider: no config reads a file").isEqualTo("env");
        Map<String, Object> providerConfig = new HashMap<>();
        String prefix = "config.providers.env.param.";
        properties.stringPropertyNames().stream().filter(key -> key.startsWith(prefix))
                .forEach(key -> providerConfig.put(key.substring(prefix.length()), properties.getProperty(key)));
        // The worker inherits the launcher's environment: a developer's shell, with whatever it holds.
        Map<String, String> environment = new HashMap<>(Map.of("PATH", "/usr/bin", "HOME", "/home/dev",
                "CONNECT_PASSWORD", "p", "GITHUB_TOKEN", "t", "DATALAKE_KEY_OLD", "o"));
        LocalStack.WORKER_SECRETS.forEach(name -> environment.put(name, "secret"));
        try (EnvVarConfigProvider provider = new EnvVarConfigProvider(environment)) {
            provider.configure(providerConfig);
            assertThat(provider.get("").data().keySet()).containsExactlyInAnyOrderElementsOf(LocalStack.WORKER_SECRETS);
        }
    }

    @Test
    void thePasswordIsFreshOwnerOnlyAndNamedByTheJaasFile(@TempDir Path state) throws Exception {
        ConnectCredentials credentials = ConnectCredentials.generate();
        assertThat(credentials.password()).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(ConnectCredentials.generate().password());
        assertThat(credentials.toString()).doesNotContain(credentials.password());

        Path jaas = credentials.writeTo(state);
        Path file = state.resolve(ConnectCredentials.CREDENTIALS_FILE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(file)).isEqualTo(credentials.username() + "=" + credentials.password() + "\n");
        assertThat(ConnectCredentials.readFrom(state)).isEqualTo(credentials);
        assertThat(credentials.authorization()).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8)));

        // A second start draws another password into the same owner-only file.
        ConnectCredentials next = ConnectCredentials.generate();
        next.writeTo(state);
        assertThat(ConnectCredentials.readFrom(state)).isEqualTo(next);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        // Java's own JAAS parser, as the worker's JVM reads the file.
        AppConfigurationEntry[] entries = Configuration.getInstance("JavaLoginConfig", new URIParameter(jaas.toUri()))
                .getAppConfigurationEntry(ConnectCredentials.JAAS_ENTRY);
        assertThat(entries).hasSize(1);
        assertThat(entries[0].getLoginModuleName()).isEqualTo(ConnectCredentials.LOGIN_MODULE);
        assertThat(entries[0].getOptions().get("file")).isEqualTo(file.toAbsolutePath().toString());
    }
}
