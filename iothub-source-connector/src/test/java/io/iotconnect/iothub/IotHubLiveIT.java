package io.iotconnect.iothub;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import io.iotconnect.iothub.config.IotHubSourceConfig;
import io.iotconnect.iothub.mapping.EventHeaders;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The connector against a real Azure endpoint, when you give it one (skipped otherwise).
 *
 * <p>An IoT Hub's built-in endpoint only delivers what devices send, so with an IoT Hub the test reads from the start
 * for a while and checks the device properties of whatever devices sent:
 * <pre>
 * IOTHUB_LIVE_CONNECTION_STRING='Endpoint=sb://ihsuprod...servicebus.windows.net/;SharedAccessKeyName=service;...;EntityPath=myhub' \
 *   mvn verify -pl iothub-source-connector -am -Dit.test=IotHubLiveIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * With a plain Event Hub whose connection string may send ({@code EVENTHUB_LIVE_CONNECTION_STRING}), it sends 100
 * events of its own and requires each of them in Kafka once. {@code IOTHUB_LIVE_CONSUMER_GROUP} picks a consumer group
 * (use a dedicated one: a reader on {@code $Default} with a higher owner level would take the partitions over).
 */
class IotHubLiveIT {

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    private static EmbeddedConnectCluster connect;

    @BeforeAll
    static void startConnect() {
        assumeTrue(configured("IOTHUB_LIVE_CONNECTION_STRING") || configured("EVENTHUB_LIVE_CONNECTION_STRING"),
                "neither IOTHUB_LIVE_CONNECTION_STRING nor EVENTHUB_LIVE_CONNECTION_STRING is set");
        connect = servers.connect("iothub-live-it", 1);
    }

    private static boolean configured(String name) {
        String value = System.getenv(name);
        return value != null && !value.isBlank();
    }

    private static Map<String, String> props(String connectionString, String topic, String startPosition) {
        Map<String, String> props = new HashMap<>();
        props.put("connector.class", IotHubSourceConnector.class.getName());
        props.put("tasks.max", "2");
        props.put(IotHubSourceConfig.CONNECTION_STRING_CONFIG, connectionString);
        props.put(IotHubSourceConfig.TOPIC_CONFIG, topic);
        props.put(IotHubSourceConfig.START_POSITION_CONFIG, startPosition);
        props.put(IotHubSourceConfig.CONSUMER_GROUP_CONFIG, System.getenv().getOrDefault("IOTHUB_LIVE_CONSUMER_GROUP", "$Default"));
        props.put(IotHubSourceConfig.VALUE_FORMAT_CONFIG, "string");
        props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "3");
        return props;
    }

    @Test
    void devicesOfARealIotHubArriveWithTheirDeviceIdAsKey() throws InterruptedException {
        assumeTrue(configured("IOTHUB_LIVE_CONNECTION_STRING"), "IOTHUB_LIVE_CONNECTION_STRING is not set");
        connect.configureConnector("live-iothub", props(System.getenv("IOTHUB_LIVE_CONNECTION_STRING"), "live-iothub", "earliest"));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("live-iothub", 2, "the connector did not start");

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readFor(connect.kafka(), "live-iothub", Duration.ofSeconds(30));
        assertThat(connect.connectorStatus("live-iothub").tasks()).allSatisfy(task -> assertThat(task.state()).isEqualTo("RUNNING"));
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertThat(record.headers().lastHeader(EventHeaders.SEQUENCE_NUMBER)).isNotNull();
            if (record.headers().lastHeader(EventHeaders.DEVICE_ID) != null) {
                assertThat(new String(record.key(), StandardCharsets.UTF_8))
                        .isEqualTo(new String(record.headers().lastHeader(EventHeaders.DEVICE_ID).value(), StandardCharsets.UTF_8));
            }
        }
        connect.deleteConnector("live-iothub");
    }

    @Test
    void eventsSentToARealEventHubArriveOnceEach() throws InterruptedException {
        assumeTrue(configured("EVENTHUB_LIVE_CONNECTION_STRING"), "EVENTHUB_LIVE_CONNECTION_STRING is not set");
        String connectionString = System.getenv("EVENTHUB_LIVE_CONNECTION_STRING");
        connect.configureConnector("live-eventhub", props(connectionString, "live-eventhub", Instant.now().toString()));
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("live-eventhub", 2, "the connector did not start");
        String run = UUID.randomUUID().toString();
        try (EventHubProducerClient producer = new EventHubClientBuilder().connectionString(connectionString).buildProducerClient()) {
            List<EventData> events = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                events.add(new EventData("{\"run\":\"" + run + "\",\"seq\":" + i + "}"));
            }
            producer.send(events);
        }

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), "live-eventhub",
                all -> all.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(run)).count() >= 100,
                Duration.ofSeconds(120));
        assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).filter(v -> v.contains(run)).distinct())
                .hasSize(100);
        assertThat(records.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(run))).hasSize(100);
        connect.deleteConnector("live-eventhub");
    }
}
