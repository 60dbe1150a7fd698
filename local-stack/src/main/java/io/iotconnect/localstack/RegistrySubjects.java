package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the schema registry holds, read over its Confluent-compatible API ({@code /subjects}, {@code
 * /subjects/<s>/versions}) as any registry client would: every subject (the converters name them
 * {@code <topic>-value}) and its number of versions. For the summary and {@code ./run-local.sh status} with
 * {@code --avro}.
 */
final class RegistrySubjects {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RegistrySubjects() {
    }

    /** Subject to its number of versions, sorted by subject; {@code confluentUrl} like {@code http://host:port/apis/ccompat/v7}. */
    static Map<String, Integer> versions(String confluentUrl) throws IOException, InterruptedException {
        Map<String, Integer> versions = new TreeMap<>();
        for (JsonNode subject : get(confluentUrl + "/subjects")) {
            String name = subject.asText();
            versions.put(name, get(confluentUrl + "/subjects/" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/versions").size());
        }
        return versions;
    }

    /** {@code alerts-value 1 version, telemetry-value 2 versions}, or {@code no subjects}. */
    static String describe(Map<String, Integer> versions) {
        if (versions.isEmpty()) {
            return "no subjects";
        }
        StringBuilder text = new StringBuilder();
        versions.forEach((subject, count) -> text.append(text.isEmpty() ? "" : ", ").append(subject).append(' ').append(count)
                .append(count == 1 ? " version" : " versions"));
        return text.toString();
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .header("Accept", "application/vnd.schemaregistry.v1+json").GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
