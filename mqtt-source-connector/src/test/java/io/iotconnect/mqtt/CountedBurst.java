package io.iotconnect.mqtt;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The delivery tests' messages: readings numbered by an "id" field over 50 devices' topics, so what arrives in Kafka
 * can be counted by distinct id, duplicates apart.
 */
final class CountedBurst {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CountedBurst() {
    }

    /** Payloads with ids {@code from} to {@code from + count - 1}. */
    static List<byte[]> payloads(int from, int count) {
        List<byte[]> payloads = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            payloads.add(("{\"id\":" + i + ",\"temperature\":" + (20 + i % 10) + ".5}").getBytes(StandardCharsets.UTF_8));
        }
        return payloads;
    }

    /** {@code count} topics {@code <prefix>/dev-<n>/telemetry}, over 50 devices. */
    static List<String> topics(String prefix, int count) {
        List<String> topics = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            topics.add(prefix + "/dev-" + (i % 50) + "/telemetry");
        }
        return topics;
    }

    /** Reads until every id in [0, expected) arrived; returns the distinct ids seen and the total record count. */
    static long[] awaitAll(EmbeddedKafkaCluster kafka, String topic, int expected, Duration timeout) {
        Set<Long> seen = new HashSet<>();
        int[] processed = {0};
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(kafka, topic, read -> {
            for (; processed[0] < read.size(); processed[0]++) {
                seen.add(id(read.get(processed[0])));
            }
            return seen.size() >= expected;
        }, timeout);
        return new long[] {seen.size(), records.size()};
    }

    private static long id(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value()).get("id").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
