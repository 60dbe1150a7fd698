package io.iotconnect.datalake.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.datalake.DataLakeSinkConnector;
import io.iotconnect.datalake.LogCapture;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataLakeSinkConfigTest {

    private static Map<String, String> props(String... pairs) {
        Map<String, String> props = new HashMap<>();
        props.put(DataLakeSinkConfig.ENDPOINT_CONFIG, "https://myaccount.dfs.core.windows.net");
        props.put(DataLakeSinkConfig.FILESYSTEM_CONFIG, "lake");
        props.put(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, "a2V5");
        for (int i = 0; i < pairs.length; i += 2) {
            props.put(pairs[i], pairs[i + 1]);
        }
        return props;
    }

    private static Map<String, List<String>> validate(Map<String, String> props) {
        Config config = new DataLakeSinkConnector().validate(props);
        return config.configValues().stream().filter(value -> !value.errorMessages().isEmpty())
                .collect(Collectors.toMap(ConfigValue::name, ConfigValue::errorMessages));
    }

    @Test
    void defaultsAreHourlyParquetWithMarkers() {
        DataLakeSinkConfig config = new DataLakeSinkConfig(props());
        assertThat(config.accountName()).isEqualTo("myaccount");
        assertThat(config.format()).isEqualTo(FileFormat.PARQUET);
        assertThat(config.compression()).isEqualTo("snappy");
        assertThat(config.pathTemplate().toString()).isEqualTo("${topic}/dt=${time:yyyy-MM-dd}/hour=${time:HH}");
        assertThat(config.marker()).isEqualTo("_SUCCESS");
        assertThat(config.problems()).isEmpty();
        assertThat(validate(props())).isEmpty();
    }

    @Test
    void theAccountNameOfALocalEndpointIsItsFirstPathSegment() {
        assertThat(new DataLakeSinkConfig(props(DataLakeSinkConfig.ENDPOINT_CONFIG, "http://127.0.0.1:10004/devlake")).accountName())
                .isEqualTo("devlake");
        assertThat(new DataLakeSinkConfig(props(DataLakeSinkConfig.ENDPOINT_CONFIG, "http://127.0.0.1:10004",
                DataLakeSinkConfig.ACCOUNT_NAME_CONFIG, "named")).accountName()).isEqualTo("named");
        assertThat(new DataLakeSinkConfig(props(DataLakeSinkConfig.ENDPOINT_CONFIG, "http://127.0.0.1:10004")).problems())
                .extracting(ConfigProblem::key).containsExactly(DataLakeSinkConfig.ACCOUNT_NAME_CONFIG);
    }

    @Test
    void eachSignInNamesWhatItLacks() {
        Map<String, String> noKey = props(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG, "");
        assertThat(validate(noKey)).containsOnlyKeys(DataLakeSinkConfig.ACCOUNT_KEY_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "sas")))
                .containsEntry(DataLakeSinkConfig.SAS_TOKEN_CONFIG, List.of("datalake.auth.type=sas needs the SAS token; give it, e.g. as ${env:DATALAKE_SAS}"));
        assertThat(validate(props(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "client-secret"))).containsOnlyKeys(DataLakeSinkConfig.TENANT_ID_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "managed-identity"))).isEmpty();
        assertThat(validate(props(DataLakeSinkConfig.AUTH_TYPE_CONFIG, "workload_identity"))).isEmpty();
    }

    @Test
    void fieldErrorsNameTheirKey() {
        assertThat(validate(props(DataLakeSinkConfig.FORMAT_CONFIG, "orc"))).containsOnlyKeys(DataLakeSinkConfig.FORMAT_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.TOPICS_DIR_CONFIG, "_hidden"))).containsOnlyKeys(DataLakeSinkConfig.TOPICS_DIR_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.TIMEZONE_CONFIG, "Mars/Olympus"))).containsOnlyKeys(DataLakeSinkConfig.TIMEZONE_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.COLUMNS_CONFIG, "offset,colour"))).containsOnlyKeys(DataLakeSinkConfig.COLUMNS_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.ENDPOINT_CONFIG, "ftp://lake"))).containsOnlyKeys(DataLakeSinkConfig.ENDPOINT_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.MARKER_CONFIG, "../done"))).containsOnlyKeys(DataLakeSinkConfig.MARKER_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.FORMAT_CONFIG, "json", DataLakeSinkConfig.COMPRESSION_CONFIG, "snappy")))
                .containsOnlyKeys(DataLakeSinkConfig.COMPRESSION_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.FORMAT_CONFIG, "json", DataLakeSinkConfig.COMPRESSION_CONFIG, "gzip"))).isEmpty();
    }

    @Test
    void theTopicIdClientTakesAdminSettingsUnderItsPrefixAndItsSecretsArePasswords() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";";
        DataLakeSinkConfig config = new DataLakeSinkConfig(props(DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG, "k1:9092, k2:9093",
                "datalake.kafka.security.protocol", "SASL_SSL", "datalake.kafka.sasl.mechanism", "PLAIN",
                "datalake.kafka.sasl.jaas.config", jaas));
        assertThat(config.problems()).isEmpty();
        assertThat(DataLakeSinkConfig.CONFIG_DEF.configKeys().get("datalake.kafka.sasl.jaas.config").type)
                .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
        assertThat(DataLakeSinkConfig.CONFIG_DEF.configKeys().get("datalake.kafka.ssl.truststore.password").type)
                .isEqualTo(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD);
        assertThat(config.kafkaClientProps()).containsEntry("bootstrap.servers", "k1:9092, k2:9093")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.jaas.config", jaas)
                .containsKey("client.id");
        assertThat(new DataLakeSinkConfig(props()).kafkaClientProps()).as("off by default").isEmpty();

        assertThat(validate(props(DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG, "k1")))
                .containsOnlyKeys(DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG);
        assertThat(validate(props(DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG, "k1:9092", "datalake.kafka.colour", "red")))
                .containsOnlyKeys("datalake.kafka.colour");
        assertThat(validate(props("datalake.kafka.security.protocol", "SSL")))
                .as("a client setting without the client").containsOnlyKeys("datalake.kafka.security.protocol");
    }

    @Test
    void theDeadLetterTimeoutIsBounded() {
        assertThat(new DataLakeSinkConfig(props()).errorsReportTimeoutMs()).isEqualTo(300_000L);
        assertThat(validate(props(DataLakeSinkConfig.ERRORS_REPORT_TIMEOUT_CONFIG, "0")))
                .containsOnlyKeys(DataLakeSinkConfig.ERRORS_REPORT_TIMEOUT_CONFIG);
    }

    @Test
    void anHttpEndpointBeyondThisMachineIsRefusedUnlessExplicitlyAllowed() {
        Map<String, String> remote = props(DataLakeSinkConfig.ENDPOINT_CONFIG, "http://datalake:10001/devlake");
        String refusal = "http:// to datalake, which is not this machine, would carry every file and every signed request "
                + "(with datalake.auth.type=sas, the token itself) across the network in clear text: use https://, or set "
                + "datalake.allow.plaintext.endpoint=true for a lake inside a network you trust";
        assertThat(validate(remote)).containsExactly(Map.entry(DataLakeSinkConfig.ENDPOINT_CONFIG, List.of(refusal)));
        assertThatThrownBy(() -> new DataLakeSinkConnector().start(remote)).isInstanceOf(ConfigException.class)
                .hasMessage(DataLakeSinkConfig.ENDPOINT_CONFIG + ": " + refusal);

        remote.put(DataLakeSinkConfig.ALLOW_PLAINTEXT_ENDPOINT_CONFIG, "true");
        assertThat(validate(remote)).isEmpty();
        for (String local : List.of("http://127.0.0.1:10000/devlake", "http://localhost:10000/devlake", "http://[::1]:10000/devlake")) {
            assertThat(validate(props(DataLakeSinkConfig.ENDPOINT_CONFIG, local))).as(local).isEmpty();
        }
        assertThat(new DataLakeSinkConfig(props()).allowPlaintextEndpoint()).as("off by default").isFalse();
    }

    @Test
    void anEndpointWithAQueryStringIsRefusedNamingTheSasTokenKeyWithoutRepeatingOrLoggingIt() {
        String signature = "c2lnbmF0dXJlLXRoYXQtbXVzdC1ub3Qtc2hvdw%3D%3D";
        try (LogCapture logs = LogCapture.atLeast(Level.INFO)) {
            for (String query : List.of("?sv=2025-01-05&ss=b&srt=co&sp=rwdlacup&se=2030-01-01T00%3A00%3A00Z&sig=" + signature,
                    "?SIG=" + signature + "&sv=2025-01-05", "?x=" + signature, "?")) {
                Map<String, String> props = props(DataLakeSinkConfig.ENDPOINT_CONFIG, "https://myaccount.dfs.core.windows.net/" + query);
                Map<String, List<String>> errors = validate(props);
                assertThat(errors).as(query).containsOnlyKeys(DataLakeSinkConfig.ENDPOINT_CONFIG);
                assertThat(errors.get(DataLakeSinkConfig.ENDPOINT_CONFIG)).singleElement().asString()
                        .contains(DataLakeSinkConfig.SAS_TOKEN_CONFIG).doesNotContain(signature);
                assertThatThrownBy(() -> new DataLakeSinkConnector().start(props)).isInstanceOf(ConfigException.class)
                        .hasMessageContaining(DataLakeSinkConfig.SAS_TOKEN_CONFIG).hasMessageNotContaining(signature);
            }
            assertThat(logs.events()).as("what was logged").noneMatch(event -> event.contains(signature));
        }
    }

    @Test
    void anEndpointWithCredentialsBeforeItsHostIsRefusedWithoutRepeatingThem() {
        Map<String, String> props = props(DataLakeSinkConfig.ENDPOINT_CONFIG, "https://admin:s3cret@myaccount.dfs.core.windows.net");
        assertThat(validate(props).get(DataLakeSinkConfig.ENDPOINT_CONFIG)).singleElement().asString()
                .contains("before its host").doesNotContain("s3cret").doesNotContain("admin");
    }
}
