package io.iotconnect.localstack;

import com.azure.core.amqp.AmqpRetryOptions;
import com.azure.core.amqp.models.AmqpAnnotatedMessage;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubProducerClient;
import com.azure.messaging.eventhubs.models.SendOptions;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Devices connected to an IoT Hub, as their messages come out of the hub's built-in Event Hubs-compatible endpoint:
 * the readings, anomalies, invalid and malformed messages of a {@link SensorFleet}, each sent with the Event Hubs SDK's
 * own {@link EventHubProducerClient} to the local endpoint (test-support's {@code EventHubsEndpoint}), partition key =
 * device id (so a device stays on one partition, as IoT Hub keeps it), with what a device SDK sets (content type
 * {@code application/json}, encoding {@code utf-8}, a message id, application properties) and what IoT Hub stamps on
 * each message (the {@code iothub-connection-device-id}, auth method and generation, {@code iothub-enqueuedtime},
 * {@code iothub-message-source = Telemetry} message annotations), which the producer carries through its raw AMQP
 * message. A real IoT Hub's endpoint takes no sends: against one, the devices send through IoT Hub instead.
 */
public final class IotHubDeviceSimulator implements AutoCloseable {

    /** The device ids: apart from the MQTT devices' {@code sensor-NNN}. */
    static final String DEVICE_ID_FORMAT = "hub-sensor-%03d";
    private static final String AUTH_METHOD = "{\"scope\":\"device\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}";

    private final EventHubProducerClient producer;
    private final SensorFleet fleet;
    private final ScheduledExecutorService scheduler;
    private final int messagesPerSecond;
    private long ticks;

    /** {@code connectionString}: the hub's, with {@code EntityPath}, as {@code EventHubsEndpoint.connectionString} gives it. */
    public IotHubDeviceSimulator(String connectionString, int deviceCount, int messagesPerSecond) {
        this.messagesPerSecond = messagesPerSecond;
        this.fleet = new SensorFleet(DEVICE_ID_FORMAT, deviceCount, 43);
        // Short tries: a send the endpoint does not acknowledge soon counts as not sent, and closing does not hang.
        this.producer = new EventHubClientBuilder().connectionString(connectionString)
                .retryOptions(new AmqpRetryOptions().setMaxRetries(2).setTryTimeout(Duration.ofSeconds(5)))
                .buildProducerClient();
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "iothub-device-simulator");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs the simulator on its own until stopped (the Docker stack's iothub-simulator service):
     * {@code IotHubDeviceSimulator --connection-string CS [--devices N] [--rate MESSAGES_PER_SECOND]}.
     */
    public static void main(String[] args) throws Exception {
        String connectionString = null;
        int devices = 4;
        int rate = 8;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--connection-string" -> connectionString = args[i + 1];
                case "--devices" -> devices = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --connection-string CS --devices N --rate R");
            }
        }
        if (connectionString == null) {
            throw new IllegalArgumentException("--connection-string is required (the hub's, with EntityPath)");
        }
        IotHubDeviceSimulator simulator = new IotHubDeviceSimulator(connectionString, devices, rate);
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
        simulator.start();
        System.out.printf(Locale.ROOT, "simulating %d IoT Hub devices at %d messages/s%n", devices, rate);
        while (true) {
            TimeUnit.SECONDS.sleep(10);
            System.out.printf(Locale.ROOT, "sent %d (malformed %d, anomalies %d, invalid %d, failed %d)%n",
                    simulator.published(), simulator.malformed(), simulator.anomalies(), simulator.invalid(), simulator.failed());
        }
    }

    /** Starts sending in the background, in ticks of 100 ms. */
    public void start() {
        scheduler.scheduleAtFixedRate(() -> {
            long due = SensorFleet.dueAfter(ticks + 1, messagesPerSecond) - SensorFleet.dueAfter(ticks, messagesPerSecond);
            ticks++;
            for (long i = 0; i < due; i++) {
                sendOne();
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void sendOne() {
        SensorFleet.Message reading = fleet.next();
        try {
            producer.send(List.of(event(reading)), new SendOptions().setPartitionKey(reading.deviceId()));
        } catch (RuntimeException e) {
            // Not acknowledged by the endpoint: not sent, so it is not counted as such.
            fleet.notSent();
            return;
        }
        fleet.sent(reading);
    }

    /** A device-to-cloud message as it leaves the hub's built-in endpoint. */
    static EventData event(SensorFleet.Message reading) {
        EventData event = new EventData(reading.payload());
        // What the device SDK sets.
        event.setContentType("application/json");
        event.setMessageId(UUID.randomUUID().toString());
        event.getProperties().put("sensorType", "environment");
        event.getProperties().put("firmwareVersion", "2.3.1");
        AmqpAnnotatedMessage amqp = event.getRawAmqpMessage();
        amqp.getProperties().setContentEncoding("utf-8");
        // What IoT Hub stamps on the way to its built-in endpoint.
        Map<String, Object> annotations = amqp.getMessageAnnotations();
        annotations.put("iothub-connection-device-id", reading.deviceId());
        annotations.put("iothub-connection-auth-method", AUTH_METHOD);
        annotations.put("iothub-connection-auth-generation-id", "638000000000000000");
        annotations.put("iothub-enqueuedtime", new Date());
        annotations.put("iothub-message-source", "Telemetry");
        return event;
    }

    public long published() {
        return fleet.published();
    }

    public long anomalies() {
        return fleet.anomalies();
    }

    public long malformed() {
        return fleet.malformed();
    }

    /** Readings with a physically impossible value (humidity above 100 %). */
    public long invalid() {
        return fleet.invalid();
    }

    public long failed() {
        return fleet.failed();
    }

    /** Each device's newest valid reading (anomalies included) the endpoint acknowledged: its ts, epoch milliseconds. */
    public Map<String, Long> newestValidReadings() {
        return fleet.newestValidReadings();
    }

    /** The ids of the simulated devices. */
    public List<String> deviceIds() {
        return fleet.deviceIds();
    }

    /** Stops sending; messages already acknowledged by the endpoint stay sent. */
    @Override
    public void close() {
        // Not shutdownNow(): an interrupted send may still reach the endpoint, uncounted, and look like a duplicate.
        scheduler.shutdown();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
    }
}
