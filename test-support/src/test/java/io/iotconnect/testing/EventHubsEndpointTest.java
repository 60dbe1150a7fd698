package io.iotconnect.testing;

import com.azure.core.amqp.AmqpRetryMode;
import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventDataBatch;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.CreateBatchOptions;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.LastEnqueuedEventProperties;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.azure.messaging.eventhubs.models.ReceiveOptions;
import io.iotconnect.testing.EventHubsEndpoint.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The endpoint against the real {@code azure-messaging-eventhubs} SDK: what the IoT Hub source connector relies on. */
class EventHubsEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static EventHubsEndpoint endpoint;

    @BeforeAll
    static void startEndpoint() {
        endpoint = EventHubsEndpoint.start();
    }

    @AfterAll
    static void stopEndpoint() {
        endpoint.close();
    }

    private static EventHubClientBuilder client(String hub) {
        return new EventHubClientBuilder()
                .connectionString(endpoint.connectionString(hub))
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                .retryOptions(new AmqpRetryOptions().setTryTimeout(Duration.ofSeconds(5)).setMode(AmqpRetryMode.FIXED)
                        .setDelay(Duration.ofMillis(200)).setMaxRetries(10));
    }

    private static List<PartitionEvent> receive(EventHubConsumerAsyncClient consumer, String partition,
            EventPosition position, int count) {
        return consumer.receiveFromPartition(partition, position).take(count).collectList().block(WAIT);
    }

    private static Event[] numbered(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> Event.of(prefix + i)).toArray(Event[]::new);
    }

    private static List<String> bodies(List<PartitionEvent> events) {
        return events.stream().map(event -> event.getData().getBodyAsString()).toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void answersHubPropertiesAndPartitionIds() {
        endpoint.createHub("props", 3);
        try (var consumer = client("props").buildAsyncConsumerClient()) {
            EventHubProperties properties = consumer.getEventHubProperties().block(WAIT);
            assertThat(properties.getName()).isEqualTo("props");
            assertThat(properties.getPartitionIds()).containsExactly("0", "1", "2");
            assertThat(properties.getCreatedAt()).isBeforeOrEqualTo(Instant.now());
            assertThat(consumer.getPartitionIds().collectList().block(WAIT)).containsExactly("0", "1", "2");
        }
    }

    @Test
    void answersPartitionPropertiesOfEmptyAndFilledPartitions() {
        endpoint.createHub("partition-props", 2);
        try (var consumer = client("partition-props").buildAsyncConsumerClient()) {
            PartitionProperties empty = consumer.getPartitionProperties("1").block(WAIT);
            assertThat(empty.isEmpty()).isTrue();
            assertThat(empty.getLastEnqueuedSequenceNumber()).isEqualTo(-1);
            assertThat(empty.getBeginningSequenceNumber()).isZero();

            endpoint.publish("partition-props", "1", numbered("e", 3));
            PartitionProperties filled = consumer.getPartitionProperties("1").block(WAIT);
            List<PartitionEvent> events = receive(consumer, "1", EventPosition.earliest(), 3);
            assertThat(filled.isEmpty()).isFalse();
            assertThat(filled.getId()).isEqualTo("1");
            assertThat(filled.getEventHubName()).isEqualTo("partition-props");
            assertThat(filled.getLastEnqueuedSequenceNumber()).isEqualTo(2);
            assertThat(filled.getLastEnqueuedOffset()).isEqualTo(events.get(2).getData().getOffsetString());
            assertThat(filled.getLastEnqueuedTime()).isEqualTo(events.get(2).getData().getEnqueuedTime());
        }
    }

    @Test
    void deliversIotHubAnnotationsAsSystemPropertiesAndApplicationProperties() {
        endpoint.createHub("annotations", 4);
        Instant iotHubTime = Instant.parse("2025-01-02T03:04:05.678Z");
        String partition = endpoint.publishToDevicePartition("annotations", "sensor-7",
                Event.telemetry("sensor-7", "{\"t\":21.5}").moduleId("thermo").iotHubEnqueuedTime(iotHubTime)
                        .partitionKey("sensor-7").messageId("m-1").correlationId("c-1").property("alert", "high")
                        .property("count", 3L),
                Event.of("{}").deviceId("sensor-7").messageSource(EventHubsEndpoint.TWIN_CHANGE_EVENTS));
        assertThat(partition).isEqualTo(endpoint.partitionFor("annotations", "sensor-7"));
        try (var consumer = client("annotations").buildAsyncConsumerClient()) {
            List<PartitionEvent> events = receive(consumer, partition, EventPosition.earliest(), 2);
            EventData telemetry = events.get(0).getData();
            assertThat(telemetry.getBodyAsString()).isEqualTo("{\"t\":21.5}");
            assertThat(telemetry.getSequenceNumber()).isZero();
            assertThat(telemetry.getOffsetString()).isEqualTo("0");
            assertThat(telemetry.getEnqueuedTime()).isBeforeOrEqualTo(Instant.now());
            assertThat(telemetry.getPartitionKey()).isEqualTo("sensor-7");
            assertThat(telemetry.getMessageId()).isEqualTo("m-1");
            assertThat(telemetry.getCorrelationId()).isEqualTo("c-1");
            assertThat(telemetry.getContentType()).isEqualTo("application/json");
            assertThat(telemetry.getSystemProperties())
                    .containsEntry("iothub-connection-device-id", "sensor-7")
                    .containsEntry("iothub-connection-module-id", "thermo")
                    .containsEntry("iothub-message-source", "Telemetry")
                    .containsEntry("iothub-enqueuedtime", Date.from(iotHubTime))
                    .containsKeys("iothub-connection-auth-method", "iothub-connection-auth-generation-id");
            assertThat(telemetry.getProperties()).containsEntry("alert", "high").containsEntry("count", 3L);
            EventData twin = events.get(1).getData();
            assertThat(twin.getSequenceNumber()).isEqualTo(1);
            assertThat(Long.parseLong(twin.getOffsetString())).isGreaterThan(0);
            assertThat(twin.getSystemProperties()).containsEntry("iothub-message-source", "twinChangeEvents");
        }
    }

    @Test
    void startsFromEarliestLatestSequenceNumberOffsetAndEnqueuedTime() throws Exception {
        endpoint.createHub("positions", 1);
        endpoint.publish("positions", "0", numbered("old-", 10));
        try (var consumer = client("positions").buildAsyncConsumerClient()) {
            List<PartitionEvent> all = receive(consumer, "0", EventPosition.earliest(), 10);
            assertThat(bodies(all)).isEqualTo(List.of(bodiesOf("old-", 10)));
            assertThat(all).extracting(event -> event.getData().getSequenceNumber())
                    .containsExactly(LongStream.range(0, 10).boxed().toArray(Long[]::new));

            assertThat(bodies(receive(consumer, "0", EventPosition.fromSequenceNumber(5, true), 2))).containsExactly("old-5", "old-6");
            assertThat(bodies(receive(consumer, "0", EventPosition.fromSequenceNumber(5), 2))).containsExactly("old-6", "old-7");
            String offsetOf3 = all.get(3).getData().getOffsetString();
            assertThat(bodies(receive(consumer, "0", EventPosition.fromOffsetString(offsetOf3), 2))).containsExactly("old-4", "old-5");

            long attached = endpoint.receiversAttached();
            CompletableFuture<List<PartitionEvent>> latest = consumer.receiveFromPartition("0", EventPosition.latest())
                    .take(2).collectList().toFuture();
            await("the latest receiver", () -> endpoint.receiversAttached() > attached);
            Thread.sleep(20);
            Instant cut = Instant.now();
            Thread.sleep(20);
            endpoint.publish("positions", "0", numbered("new-", 2));
            assertThat(bodies(latest.get(WAIT.toSeconds(), TimeUnit.SECONDS))).containsExactly("new-0", "new-1");
            assertThat(bodies(receive(consumer, "0", EventPosition.fromEnqueuedTime(cut), 2))).containsExactly("new-0", "new-1");
        }
    }

    private static String[] bodiesOf(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toArray(String[]::new);
    }

    @Test
    void decodesTheProducersBatchesIntoSeparateEvents() {
        endpoint.createHub("produced", 3);
        try (EventHubProducerClient producer = client("produced").buildProducerClient();
             var consumer = client("produced").buildAsyncConsumerClient()) {
            EventDataBatch batch = producer.createBatch(new CreateBatchOptions().setPartitionId("1"));
            for (int i = 0; i < 3; i++) {
                EventData event = new EventData("reading-" + i);
                event.getProperties().put("iothub-connection-device-id", "sim-" + i);
                event.setContentType("application/json");
                assertThat(batch.tryAdd(event)).isTrue();
            }
            producer.send(batch);
            assertThat(endpoint.eventCount("produced", "1")).isEqualTo(3);
            List<PartitionEvent> events = receive(consumer, "1", EventPosition.earliest(), 3);
            assertThat(bodies(events)).containsExactly("reading-0", "reading-1", "reading-2");
            assertThat(events.get(2).getData().getProperties()).containsEntry("iothub-connection-device-id", "sim-2");
            assertThat(events.get(2).getData().getSequenceNumber()).isEqualTo(2);

            producer.send(List.of(new EventData("keyed-0"), new EventData("keyed-1")),
                    new com.azure.messaging.eventhubs.models.SendOptions().setPartitionKey("device-42"));
            String keyed = endpoint.partitionFor("produced", "device-42");
            List<PartitionEvent> keyedEvents = receive(consumer, keyed, EventPosition.earliest(),
                    (int) endpoint.eventCount("produced", keyed));
            assertThat(bodies(keyedEvents)).containsSubsequence("keyed-0", "keyed-1");
            assertThat(keyedEvents.get(keyedEvents.size() - 1).getData().getPartitionKey()).isEqualTo("device-42");

            long before = endpoint.eventsSentByClients();
            producer.send(List.of(new EventData("single")));
            producer.send(List.of(new EventData("rr-0"), new EventData("rr-1"), new EventData("rr-2")));
            assertThat(endpoint.eventsSentByClients() - before).isEqualTo(4);
        }
    }

    @Test
    void aHigherOwnerLevelStealsThePartitionAndALowerOneIsRefused() throws Exception {
        endpoint.createHub("owners", 1);
        endpoint.publish("owners", "0", numbered("e", 1));
        try (var first = client("owners").buildAsyncConsumerClient();
             var second = client("owners").buildAsyncConsumerClient()) {
            CompletableFuture<Throwable> firstError = new CompletableFuture<>();
            List<PartitionEvent> firstEvents = new CopyOnWriteArrayList<>();
            Disposable subscription = first.receiveFromPartition("0", EventPosition.earliest(), new ReceiveOptions().setOwnerLevel(1L))
                    .subscribe(firstEvents::add, firstError::complete, () -> firstError.complete(null));
            await("the first receiver's event", () -> firstEvents.size() == 1);

            List<PartitionEvent> stolen = second.receiveFromPartition("0", EventPosition.earliest(),
                    new ReceiveOptions().setOwnerLevel(2L)).take(1).collectList().block(WAIT);
            assertThat(bodies(stolen)).containsExactly("e0");
            Throwable error = firstError.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(error).isInstanceOf(AmqpException.class);
            assertThat(((AmqpException) error).getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_STOLEN);
            assertThat(error.getMessage()).contains("higher epoch of '2'").contains("consumer group '$Default'");
            subscription.dispose();

            // While the owner with level 2 is attached, a receiver with level 1 is refused.
            CompletableFuture<Throwable> refused = new CompletableFuture<>();
            Disposable holder = second.receiveFromPartition("0", EventPosition.latest(), new ReceiveOptions().setOwnerLevel(2L))
                    .subscribe(event -> { }, refused::complete);
            long attached = endpoint.receiversAttached();
            await("the owner's receiver", () -> endpoint.receiversAttached() >= attached);
            Throwable lower = first.receiveFromPartition("0", EventPosition.earliest(), new ReceiveOptions().setOwnerLevel(1L))
                    .take(1).then().map(nothing -> (Throwable) null).onErrorResume(Mono::just)
                    .block(WAIT);
            assertThat(lower).isInstanceOf(AmqpException.class);
            assertThat(((AmqpException) lower).getErrorCondition()).isEqualTo(AmqpErrorCondition.LINK_STOLEN);
            assertThat(refused).isNotDone();
            holder.dispose();
        }
    }

    @Test
    void tracksLastEnqueuedEventProperties() {
        endpoint.createHub("lag", 1);
        endpoint.publish("lag", "0", numbered("e", 5));
        try (var consumer = client("lag").buildAsyncConsumerClient()) {
            List<PartitionEvent> events = consumer.receiveFromPartition("0", EventPosition.earliest(),
                    new ReceiveOptions().setTrackLastEnqueuedEventProperties(true)).take(5).collectList().block(WAIT);
            LastEnqueuedEventProperties last = events.get(0).getLastEnqueuedEventProperties();
            assertThat(last.getSequenceNumber()).isEqualTo(4);
            assertThat(last.getOffsetString()).isEqualTo(events.get(4).getData().getOffsetString());
            assertThat(last.getEnqueuedTime()).isEqualTo(events.get(4).getData().getEnqueuedTime());
            assertThat(last.getRetrievalTime()).isNotNull();
        }
    }

    /**
     * In 5.21.3 {@code receiveFromPartition} does not recover by itself: a receive link detached with an error ends
     * it with that error (both SDK stacks; the V2 stack runs its receiver with {@code MessageFlux.NULL_RETRY_POLICY}),
     * and a connection closed by the service ends it with a plain completion. A client such as the connector's
     * resubscribes from the last event it got on either; that must neither lose nor repeat events.
     */
    @Test
    void aFaultEndsTheAsyncReceiveWithATransientErrorAndAResubscribeMissesAndRepeatsNothing() throws Exception {
        endpoint.createHub("faults", 2);
        endpoint.publish("faults", "0", numbered("a-", 100));
        try (var consumer = client("faults").buildAsyncConsumerClient()) {
            List<Long> received = new CopyOnWriteArrayList<>();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            AtomicInteger completions = new AtomicInteger();
            Runnable subscribe = () -> consumer.receiveFromPartition("0", received.isEmpty() ? EventPosition.earliest()
                            : EventPosition.fromSequenceNumber(received.get(received.size() - 1)))
                    .subscribe(event -> received.add(event.getData().getSequenceNumber()), errors::add,
                            () -> completions.incrementAndGet());
            subscribe.run();
            await("100 events", () -> received.size() >= 100);

            assertThat(endpoint.detachReceivers("faults", "0", EventHubsEndpoint.LinkError.DETACH_FORCED)).isEqualTo(1);
            await("the detach error", () -> errors.size() == 1);
            endpoint.publish("faults", "0", numbered("b-", 100));
            subscribe.run();
            await("200 events after the detach", () -> received.size() >= 200);

            long connections = endpoint.connectionsOpened();
            assertThat(endpoint.closeConnections()).isPositive();
            await("the end of the receive after the connection closed", () -> completions.get() == 1);
            endpoint.publish("faults", "0", numbered("c-", 100));
            subscribe.run();
            await("300 events after the connection closed", () -> received.size() >= 300);
            assertThat(endpoint.connectionsOpened()).isGreaterThan(connections);

            assertThat(endpoint.detachReceivers("faults", null, EventHubsEndpoint.LinkError.SERVER_BUSY)).isEqualTo(1);
            await("the server-busy error", () -> errors.size() == 2);
            endpoint.publish("faults", "0", numbered("d-", 100));
            subscribe.run();
            await("400 events after server-busy", () -> received.size() >= 400);
            Thread.sleep(200);

            assertThat(received).containsExactlyElementsOf(LongStream.range(0, 400).boxed().toList());
            assertThat(errors).allSatisfy(error -> assertThat(error).isInstanceOfSatisfying(AmqpException.class,
                    amqp -> assertThat(amqp.isTransient()).isTrue()));
            assertThat(errors).extracting(error -> ((AmqpException) error).getErrorCondition()).containsExactly(
                    AmqpErrorCondition.LINK_DETACH_FORCED, AmqpErrorCondition.SERVER_BUSY_ERROR);
            assertThat(completions).hasValue(1);
        }
    }

    /** The SDK's own recovery: the event processor gets its partition back after each fault and goes on from its checkpoint. */
    @Disabled("not diagnosed: after the detach the processor reports the error and does not start the partition's pump "
            + "again within 30 s (load balancing every 1 s, ownership expiry 5 s; its load balancer renews only partitions "
            + "with a running pump, so the claim should expire and be retaken)")
    @Test
    void theEventProcessorRecoversFromADetachedLinkAndAClosedConnectionByItself() throws Exception {
        endpoint.createHub("processor", 1);
        endpoint.publish("processor", "0", numbered("a-", 100));
        List<Long> processed = new CopyOnWriteArrayList<>();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        EventProcessorClient processor = new EventProcessorClientBuilder()
                .connectionString(endpoint.connectionString("processor"))
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME)
                .retryOptions(new AmqpRetryOptions().setTryTimeout(Duration.ofSeconds(5)).setMode(AmqpRetryMode.FIXED)
                        .setDelay(Duration.ofMillis(200)).setMaxRetries(10))
                .checkpointStore(new InMemoryCheckpointStore())
                .loadBalancingUpdateInterval(Duration.ofSeconds(1))
                .partitionOwnershipExpirationInterval(Duration.ofSeconds(5))
                .initialPartitionEventPosition(partition -> EventPosition.earliest())
                .processEvent(context -> {
                    processed.add(context.getEventData().getSequenceNumber());
                    context.updateCheckpoint();
                })
                .processError(context -> errors.add(context.getThrowable()))
                .buildEventProcessorClient();
        processor.start();
        try {
            await("100 events", () -> processed.size() >= 100);
            endpoint.detachReceivers("processor", "0", EventHubsEndpoint.LinkError.DETACH_FORCED);
            endpoint.publish("processor", "0", numbered("b-", 100));
            await("200 events after the detach", () -> processed.size() >= 200);
            endpoint.closeConnections();
            endpoint.publish("processor", "0", numbered("c-", 100));
            await("300 events after the connection closed", () -> processed.size() >= 300);
            Thread.sleep(500);
            assertThat(processed).containsExactlyElementsOf(LongStream.range(0, 300).boxed().toList());
            assertThat(errors).isNotEmpty();
        } finally {
            processor.stop();
        }
    }

    @Test
    void aRefusedReceiverFailsWithServerBusyAndTheNextOneAfterTheWindowIsServed() throws Exception {
        endpoint.createHub("refusing", 1);
        endpoint.publish("refusing", "0", numbered("e", 3));
        try (var consumer = client("refusing").buildAsyncConsumerClient()) {
            consumer.getPartitionIds().collectList().block(WAIT);
            long refused = endpoint.linksRefused();
            endpoint.refuseLinks(Duration.ofSeconds(1));
            try {
                Throwable error = consumer.receiveFromPartition("0", EventPosition.earliest()).then()
                        .map(nothing -> (Throwable) null).onErrorResume(Mono::just).block(WAIT);
                assertThat(error).isInstanceOfSatisfying(AmqpException.class, amqp -> {
                    assertThat(amqp.getErrorCondition()).isEqualTo(AmqpErrorCondition.SERVER_BUSY_ERROR);
                    assertThat(amqp.isTransient()).isTrue();
                });
                assertThat(endpoint.linksRefused()).isGreaterThan(refused);
                Thread.sleep(1_100);
                assertThat(bodies(receive(consumer, "0", EventPosition.earliest(), 3))).containsExactly("e0", "e1", "e2");
            } finally {
                endpoint.refuseLinks(Duration.ZERO);
            }
        }
    }

    @Test
    void addedPartitionsAreVisibleAndServed() {
        endpoint.createHub("growing", 2);
        try (var consumer = client("growing").buildAsyncConsumerClient()) {
            assertThat(consumer.getPartitionIds().collectList().block(WAIT)).containsExactly("0", "1");
            endpoint.addPartitions("growing", 2);
            assertThat(consumer.getPartitionIds().collectList().block(WAIT)).containsExactly("0", "1", "2", "3");
            endpoint.publish("growing", "3", numbered("e", 1));
            assertThat(bodies(receive(consumer, "3", EventPosition.earliest(), 1))).containsExactly("e0");
        }
    }

    @Test
    void delivers10000EventsInOrder() throws Exception {
        endpoint.createHub("bulk", 1);
        endpoint.publish("bulk", "0", numbered("e", 5_000));
        try (var consumer = client("bulk").buildAsyncConsumerClient()) {
            long started = System.nanoTime();
            CompletableFuture<List<PartitionEvent>> all = consumer.receiveFromPartition("0", EventPosition.earliest())
                    .take(10_000).collectList().toFuture();
            List<Event> more = new ArrayList<>();
            for (int i = 5_000; i < 10_000; i++) {
                more.add(Event.of("e" + i));
            }
            endpoint.publish("bulk", "0", more.toArray(Event[]::new));
            List<PartitionEvent> events = all.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(events).extracting(event -> event.getData().getSequenceNumber())
                    .containsExactlyElementsOf(LongStream.range(0, 10_000).boxed().toList());
            assertThat(bodies(events)).containsExactly(bodiesOf("e", 10_000));
            System.out.println("10000 events received in " + millis + " ms");
        }
    }
}
