package io.iotconnect.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryRequestMetricsTest {

    @Test
    void readsTheRequestCounterPerLabelSetAndNothingElse() {
        // Lines as Apicurio Registry 2.6.13 serves them on /metrics.
        String exposition = """
                # HELP rest_requests_count_total Total number of REST requests
                # TYPE rest_requests_count_total counter
                rest_requests_count_total{method="GET",path="/apis/ccompat/v7/subjects",status_code_group="2xx"} 1.0
                rest_requests_count_total{method="POST",path="/apis/registry/v2/groups/{groupId}/artifacts",status_code_group="2xx"} 3.0
                rest_requests_seconds_count{method="GET",path="/apis/ccompat/v7/subjects",status_code_group="2xx"} 1.0
                rest_requests_seconds_max{method="GET",path="/apis/ccompat/v7/subjects",status_code_group="2xx"} 0.115380969
                """;
        Map<String, Long> counts = RegistryRequestMetrics.parse(exposition);
        assertThat(counts).containsExactly(
                Map.entry("method=\"GET\",path=\"/apis/ccompat/v7/subjects\",status_code_group=\"2xx\"", 1L),
                Map.entry("method=\"POST\",path=\"/apis/registry/v2/groups/{groupId}/artifacts\",status_code_group=\"2xx\"", 3L));
        assertThat(RegistryRequestMetrics.total(counts)).isEqualTo(4);
    }
}
