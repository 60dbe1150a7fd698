package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the stack reports as it runs: records per topic (sum of end offsets) and connector and task states. */
final class StackStatus implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String connectUrl;
    private final ConnectCredentials credentials;
    private final String bootstrapServers;
    private final ReadingDecoder readings;

    StackStatus(String bootstrapServers, String connectUrl, ConnectCredentials credentials) {
        this(bootstrapServers, connectUrl, credentials, ReadingDecoder.json());
    }

    /**
     * {@code credentials}: the worker's REST API login; {@code readings}: how the readings topics' values are written
     * (JSON, or Avro with a registry), closed with this.
     */
    StackStatus(String bootstrapServers, String connectUrl, ConnectCredentials credentials, ReadingDecoder readings) {
        this.bootstrapServers = bootstrapServers;
        this.readings = readings;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4000));
        this.connectUrl = connectUrl;
        this.credentials = credentials;
    }

    /** GET of a path of the worker's REST API, logged in. */
    private HttpResponse<String> getFromWorker(String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(connectUrl + path)).timeout(Duration.ofSeconds(3));
        if (!credentials.isEmpty()) {
            request.header("Authorization", credentials.authorization());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
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

    /**
     * A topic's readings per device (JSON or Avro, as the decoder reads them), read from the beginning to the end offsets of now: how many, and their
     * average temperature (of those that have one, as SQL's avg), to check a query over the lake against. A record
     * without a device id counts under its key.
     */
    Map<String, PipelineVerdict.DeviceReadings> readingsByDevice(String topic) {
        Map<String, long[]> counts = new TreeMap<>(); // records, records with a temperature
        Map<String, Double> sums = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        continue;
                    }
                    ReadingDecoder.Reading value = record.value() == null ? null : readings.decode(topic, record.value());
                    String device = value != null && value.deviceId() != null ? value.deviceId()
                            : record.key() == null ? "(none)" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                    long[] count = counts.computeIfAbsent(device, d -> new long[2]);
                    count[0]++;
                    if (value != null && value.temperature() != null) {
                        count[1]++;
                        sums.merge(device, value.temperature(), Double::sum);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + topic + " from Kafka: " + e.getMessage(), e);
        }
        Map<String, PipelineVerdict.DeviceReadings> devices = new TreeMap<>();
        counts.forEach((device, count) -> devices.put(device,
                new PipelineVerdict.DeviceReadings(count[0], count[1] == 0 ? Double.NaN : sums.get(device) / count[1])));
        return devices;
    }

    /**
     * A topic's records per key (the device id, as both sources set it; "(none)" for a null key), read from the
     * beginning to the end offsets of now.
     */
    Map<String, Long> recordsByKey(String topic) {
        Map<String, Long> counts = new TreeMap<>();
        if (records(topic) == 0) {
            return counts; // none yet, or the topic does not exist: nothing to wait for
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(5));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        String key = record.key() == null ? "(none)" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                        counts.merge(key, 1L, Long::sum);
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + topic + " from Kafka: " + e.getMessage(), e);
        }
        return counts;
    }

    /** "connector RUNNING, tasks 0:RUNNING 1:RUNNING", or what went wrong asking. */
    String connectorState(String connector) {
        try {
            HttpResponse<String> response = getFromWorker("/connectors/" + connector + "/status");
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                return connector + " status unavailable: the worker refused the stack's credentials (HTTP " + response.statusCode() + ")";
            }
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
            return connector + " status unavailable: the worker does not answer (" + e.getClass().getSimpleName() + ")";
        }
    }

    /**
     * Records a sink connector has written and committed: the sum of its consumer group's committed offsets (Connect
     * commits a sink's offsets only after put() wrote what they cover), or -1 when unknown.
     */
    long committed(String sinkConnector) {
        try {
            return admin.listConsumerGroupOffsets("connect-" + sinkConnector).partitionsToOffsetAndMetadata()
                    .get(5, TimeUnit.SECONDS).values().stream().filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * What is wrong with a connector, one line each: the connector or a task not RUNNING (with the first line of its
     * trace), the connector missing, or the worker not answering. Empty when the connector and all its tasks run.
     */
    List<String> problems(String connector) {
        List<String> problems = new java.util.ArrayList<>();
        try {
            HttpResponse<String> response = getFromWorker("/connectors/" + connector + "/status");
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                problems.add(connector + ": the Connect worker at " + connectUrl + " refused the stack's credentials (HTTP "
                        + response.statusCode() + ")");
                return problems;
            }
            if (response.statusCode() != 200) {
                problems.add(connector + " is not on the worker (HTTP " + response.statusCode() + ")");
                return problems;
            }
            JsonNode status = JSON.readTree(response.body());
            String state = status.at("/connector/state").asText();
            if (!state.equals("RUNNING")) {
                problems.add(connector + " is " + state + firstLine(status.at("/connector/trace").asText("")));
            }
            if (status.get("tasks").isEmpty()) {
                problems.add(connector + " has no tasks");
            }
            for (JsonNode task : status.get("tasks")) {
                if (!task.get("state").asText().equals("RUNNING")) {
                    problems.add(connector + " task " + task.get("id").asInt() + " is " + task.get("state").asText()
                            + firstLine(task.path("trace").asText("")));
                }
            }
        } catch (Exception e) {
            problems.add(connector + ": the Connect worker at " + connectUrl + " does not answer (" + e.getClass().getSimpleName() + ")");
        }
        return problems;
    }

    private static String firstLine(String trace) {
        if (trace.isBlank()) {
            return "";
        }
        String line = trace.lines().findFirst().orElse("");
        return ": " + (line.length() > 300 ? line.substring(0, 300) + "..." : line);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        readings.close();
    }
}
