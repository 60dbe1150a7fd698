package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the stack reports as it runs: records per topic (sum of end offsets) and connector and task states. */
final class StackStatus implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String connectUrl;

    StackStatus(String bootstrapServers, String connectUrl) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000));
        this.connectUrl = connectUrl;
    }

    /** Records written to a topic so far (0 while it does not exist). */
    long records(String topic) {
        try {
            Map<String, TopicDescription> topics = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            topics.get(topic).partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(request).all().get(5, TimeUnit.SECONDS).values().stream().mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    /** "connector RUNNING, tasks 0:RUNNING 1:RUNNING", or what went wrong asking. */
    String connectorState(String connector) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(connectUrl + "/connectors/" + connector + "/status"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return connector + " not found (HTTP " + response.statusCode() + ")";
            }
            JsonNode status = JSON.readTree(response.body());
            StringBuilder text = new StringBuilder(connector).append(' ').append(status.at("/connector/state").asText()).append(", tasks");
            for (JsonNode task : status.get("tasks")) {
                text.append(' ').append(task.get("id").asInt()).append(':').append(task.get("state").asText());
            }
            return text.toString();
        } catch (Exception e) {
            return connector + " status unavailable (" + e.getClass().getSimpleName() + ")";
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
