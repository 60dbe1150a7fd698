package io.iotconnect.localstack;

import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Devices in the field, speaking MQTT 3.1.1 as most do: each publishes a reading (temperature, humidity, pressure, battery) to
 * {@code devices/<id>/telemetry} at QoS 1, with the anomalies, invalid and malformed messages of a {@link SensorFleet}
 * mixed in. They log in with {@code MQTT_USERNAME} and {@code MQTT_PASSWORD} from the environment where the broker
 * takes no anonymous clients (the Docker stack's), and connect anonymously when {@code MQTT_USERNAME} is unset.
 */
public final class DeviceSimulator implements AutoCloseable {

    private final MqttAsyncClient client;
    private final SensorFleet fleet;
    private final ScheduledExecutorService scheduler;
    private final int messagesPerSecond;
    private long ticks;

    /** Anonymous devices, as the local stack's broker on 127.0.0.1 takes them. */
    public DeviceSimulator(String brokerUri, int deviceCount, int messagesPerSecond) throws MqttException {
        this(brokerUri, deviceCount, messagesPerSecond, Map.of());
    }

    /** Devices logging in with {@code MQTT_USERNAME} and {@code MQTT_PASSWORD} of {@code environment}, if set. */
    DeviceSimulator(String brokerUri, int deviceCount, int messagesPerSecond, Map<String, String> environment) throws MqttException {
        this.messagesPerSecond = messagesPerSecond;
        this.fleet = new SensorFleet("sensor-%03d", deviceCount, 42);
        client = new MqttAsyncClient(brokerUri, "iot-connect-simulator", new MemoryPersistence());
        client.connect(connectOptions(environment)).waitForCompletion(10_000);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "device-simulator");
            thread.setDaemon(true);
            return thread;
        });
    }

    static MqttConnectOptions connectOptions(Map<String, String> environment) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(1000);
        String username = environment.getOrDefault("MQTT_USERNAME", "");
        if (!username.isEmpty()) {
            options.setUserName(username);
            options.setPassword(environment.getOrDefault("MQTT_PASSWORD", "").toCharArray());
        }
        return options;
    }

    /**
     * Runs the simulator on its own until stopped (the Docker stack's simulator service):
     * {@code DeviceSimulator --broker tcp://host:1883 [--devices N] [--rate MESSAGES_PER_SECOND]}, with
     * {@code MQTT_USERNAME} and {@code MQTT_PASSWORD} in the environment for a broker that wants a login (never as
     * arguments, which any user of the machine can read).
     */
    public static void main(String[] args) throws Exception {
        String broker = "tcp://127.0.0.1:1883";
        int devices = 10;
        int rate = 20;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--broker" -> broker = args[i + 1];
                case "--devices" -> devices = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; use --broker URI --devices N --rate R");
            }
        }
        DeviceSimulator simulator = null;
        while (simulator == null) {
            try {
                simulator = new DeviceSimulator(broker, devices, rate, System.getenv());
            } catch (MqttException e) {
                System.err.println("waiting for the MQTT broker at " + broker + ": " + e.getMessage());
                TimeUnit.SECONDS.sleep(2);
            }
        }
        DeviceSimulator running = simulator;
        Runtime.getRuntime().addShutdownHook(new Thread(running::close));
        running.start();
        System.out.printf(Locale.ROOT, "simulating %d devices at %d messages/s on %s%n", devices, rate, broker);
        while (true) {
            TimeUnit.SECONDS.sleep(10);
            System.out.printf(Locale.ROOT, "published %d (malformed %d, anomalies %d, invalid %d, failed %d)%n",
                    running.published(), running.malformed(), running.anomalies(), running.invalid(), running.failed());
        }
    }

    /** Starts publishing in the background, in ticks of 100 ms. */
    public void start() {
        scheduler.scheduleAtFixedRate(() -> {
            long due = SensorFleet.dueAfter(ticks + 1, messagesPerSecond) - SensorFleet.dueAfter(ticks, messagesPerSecond);
            ticks++;
            for (long i = 0; i < due; i++) {
                publishOne();
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void publishOne() {
        SensorFleet.Message reading = fleet.next();
        try {
            MqttMessage message = new MqttMessage(reading.payload());
            message.setQos(1);
            IMqttToken token = client.publish("devices/" + reading.deviceId() + "/telemetry", message);
            token.waitForCompletion(5_000);
        } catch (MqttException e) {
            // Not acknowledged by the broker: not published, so it is not counted as such.
            fleet.notSent();
            return;
        }
        fleet.sent(reading);
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

    /** Each device's newest valid reading (anomalies included) the broker acknowledged: its ts, epoch milliseconds. */
    public java.util.Map<String, Long> newestValidReadings() {
        return fleet.newestValidReadings();
    }

    /** The ids of the simulated devices. */
    public List<String> deviceIds() {
        return fleet.deviceIds();
    }

    /** Stops publishing; messages already acknowledged by the broker stay published. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            // the broker is going away as well
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
