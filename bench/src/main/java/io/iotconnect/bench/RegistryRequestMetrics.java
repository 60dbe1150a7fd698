package io.iotconnect.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Apicurio Registry 2.6's own count of the REST requests it has served: the counter {@code rest_requests_count_total}
 * (labels method, path template, status group) on its Prometheus endpoint {@code /metrics}. Reading it is not itself
 * counted (only {@code /apis/...} is).
 */
final class RegistryRequestMetrics {

    private static final String COUNTER = "rest_requests_count_total";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RegistryRequestMetrics() {
    }

    /** Requests served so far, per {@code method="..",path="..",status_code_group=".."} label set. */
    static Map<String, Long> read(String registryBaseUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registryBaseUrl + "/metrics"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + registryBaseUrl + "/metrics answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** The counter's values in a Prometheus text exposition, per label set. */
    static Map<String, Long> parse(String exposition) {
        Map<String, Long> counts = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith(COUNTER + "{")) {
                int labelsEnd = line.lastIndexOf('}');
                String labels = line.substring(COUNTER.length() + 1, labelsEnd);
                long value = (long) Double.parseDouble(line.substring(labelsEnd + 1).trim());
                counts.merge(labels, value, Long::sum);
            }
        }
        return counts;
    }

    static long total(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
