package io.iotconnect.datalake.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.datalake.DataLakeSinkConnector;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

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
}
