package io.iotconnect.datalake.client;

import io.iotconnect.datalake.config.DataLakeSinkConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.connect.errors.ConnectException;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Topic ids from Kafka, read with an admin client on {@code datalake.kafka.bootstrap.servers}. Each look-up is
 * bounded by the client's {@code default.api.timeout.ms} (60 s unless set as {@code datalake.kafka.default.api.timeout.ms}).
 */
public final class AdminTopicIds implements TopicIds {

    /** Calls still running when the task stops are abandoned after this. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;

    public AdminTopicIds(Admin admin) {
        this.admin = admin;
    }

    /** The topic ids the config asks for: read from Kafka, or none when no bootstrap servers are set. */
    public static TopicIds of(DataLakeSinkConfig config) {
        Map<String, Object> client = config.kafkaClientProps();
        return client.isEmpty() ? NONE : new AdminTopicIds(Admin.create(client));
    }

    @Override
    public Map<String, String> of(Collection<String> topics) {
        Map<String, String> ids = new HashMap<>();
        Map<String, KafkaFuture<TopicDescription>> descriptions = admin.describeTopics(topics).topicNameValues();
        for (Map.Entry<String, KafkaFuture<TopicDescription>> description : descriptions.entrySet()) {
            try {
                ids.put(description.getKey(), description.getValue().get().topicId().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("interrupted while reading the id of topic '" + description.getKey() + "'", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new ConnectException("cannot read the id of topic '" + description.getKey() + "' with "
                        + DataLakeSinkConfig.KAFKA_BOOTSTRAP_SERVERS_CONFIG + ": " + cause, cause);
            }
        }
        return ids;
    }

    @Override
    public void close() {
        admin.close(CLOSE_TIMEOUT);
    }
}
