package io.iotconnect.localstack;

import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Devices in the field, speaking MQTT 3.1.1 as most do: each publishes a reading (temperature, humidity, pressure, battery) to
 * {@code devices/<id>/telemetry} at QoS 1. Values drift like real sensors; about 1 in 100 readings is off: a heat spike or
 * a pressure drop (anomalies for FlagAnomaly) or a humidity above 100 % (invalid for ValidateReading), and about 1 in 200 messages is malformed (truncated
 * JSON, binary garbage, bad UTF-8), as a flaky device would send them.
 */
public final class DeviceSimulator implements AutoCloseable {

    private static final double ANOMALY_RATE = 0.01;
    private static final double MALFORMED_RATE = 0.005;

    private final MqttAsyncClient client;
    private final List<Device> devices = new ArrayList<>();
    private final SplittableRandom random = new SplittableRandom(42);
    private final ScheduledExecutorService scheduler;
    private final int messagesPerSecond;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong anomalies = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final java.util.concurrent.ConcurrentHashMap<String, Long> newestValid = new java.util.concurrent.ConcurrentHashMap<>();
    private int next;

    private static final class Device {
        final String id;
        double temperature;
        double humidity;
        double pressure;
        double battery;

        Device(String id, SplittableRandom random) {
            this.id = id;
            this.temperature = 18 + random.nextDouble() * 6;
            this.humidity = 35 + random.nextDouble() * 20;
            this.pressure = 1005 + random.nextDouble() * 15;
            this.battery = 80 + random.nextDouble() * 20;
        }
    }

    public DeviceSimulator(String brokerUri, int deviceCount, int messagesPerSecond) throws MqttException {
        this.messagesPerSecond = messagesPerSecond;
        for (int i = 1; i <= deviceCount; i++) {
            devices.add(new Device(String.format(Locale.ROOT, "sensor-%03d", i), random));
        }
        client = new MqttAsyncClient(brokerUri, "iot-connect-simulator", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(1000);
        client.connect(options).waitForCompletion(10_000);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "device-simulator");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs the simulator on its own until stopped (the Docker stack's simulator service):
     * {@code DeviceSimulator --broker tcp://host:1883 [--devices N] [--rate MESSAGES_PER_SECOND]}.
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
                simulator = new DeviceSimulator(broker, devices, rate);
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
        long perTick = Math.max(1, messagesPerSecond / 10);
        scheduler.scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick; i++) {
                publishOne();
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }

    private void publishOne() {
        Device device = devices.get(next++ % devices.size());
        byte[] payload;
        Kind kind;
        long ts = System.currentTimeMillis();
        if (random.nextDouble() < MALFORMED_RATE) {
            payload = malformedPayload();
            kind = Kind.MALFORMED;
        } else {
            kind = Kind.VALID;
            if (random.nextDouble() < ANOMALY_RATE) {
                kind = random.nextInt(3) == 1 ? Kind.INVALID : Kind.ANOMALY;
            }
            payload = reading(device, kind, ts).getBytes(StandardCharsets.UTF_8);
        }
        try {
            MqttMessage message = new MqttMessage(payload);
            message.setQos(1);
            IMqttToken token = client.publish("devices/" + device.id + "/telemetry", message);
            token.waitForCompletion(5_000);
        } catch (MqttException e) {
            // Not acknowledged by the broker: not published, so it is not counted as such.
            failed.incrementAndGet();
            return;
        }
        published.incrementAndGet();
        switch (kind) {
            case MALFORMED -> malformed.incrementAndGet();
            case INVALID -> invalid.incrementAndGet();
            case ANOMALY -> {
                anomalies.incrementAndGet();
                newestValid.put(device.id, ts);
            }
            default -> newestValid.put(device.id, ts);
        }
    }

    private enum Kind { VALID, ANOMALY, INVALID, MALFORMED }

    private String reading(Device device, Kind kind, long ts) {
        device.temperature += random.nextDouble(-0.2, 0.2);
        device.humidity = clamp(device.humidity + random.nextDouble(-0.5, 0.5), 20, 80);
        device.pressure += random.nextDouble(-0.3, 0.3);
        device.battery = Math.max(5, device.battery - random.nextDouble(0, 0.01));
        double temperature = device.temperature;
        double humidity = device.humidity;
        double pressure = device.pressure;
        if (kind == Kind.INVALID) {
            // Physically impossible: a broken sensor, which validation rejects rather than flags.
            humidity = 101 + random.nextDouble() * 20;
        } else if (kind == Kind.ANOMALY) {
            if (random.nextBoolean()) {
                temperature += 35 + random.nextDouble() * 20;
            } else {
                pressure -= 60 + random.nextDouble() * 40;
            }
        }
        return String.format(Locale.ROOT,
                "{\"deviceId\":\"%s\",\"ts\":%d,\"temperature\":%.2f,\"humidity\":%.2f,\"pressure\":%.1f,\"battery\":%.1f}",
                device.id, ts, temperature, humidity, pressure, device.battery);
    }

    private byte[] malformedPayload() {
        switch (random.nextInt(3)) {
            case 0:
                return "{\"deviceId\":\"sensor-x\",\"temperature\":21.".getBytes(StandardCharsets.UTF_8);
            case 1:
                byte[] garbage = new byte[16];
                for (int i = 0; i < garbage.length; i++) {
                    garbage[i] = (byte) random.nextInt(256);
                }
                garbage[0] = (byte) 0xFE;
                return garbage;
            default:
                return new byte[] {'{', '"', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};
        }
    }

    private static double clamp(double value, double min, double max) {
        return Math.max(min, Math.min(max, value));
    }

    public long published() {
        return published.get();
    }

    public long anomalies() {
        return anomalies.get();
    }

    public long malformed() {
        return malformed.get();
    }

    /** Readings with a physically impossible value (humidity above 100 %). */
    public long invalid() {
        return invalid.get();
    }

    public long failed() {
        return failed.get();
    }

    /** Each device's newest valid reading (anomalies included) the broker acknowledged: its ts, epoch milliseconds. */
    public java.util.Map<String, Long> newestValidReadings() {
        return java.util.Map.copyOf(newestValid);
    }

    /** The ids of the simulated devices. */
    public List<String> deviceIds() {
        return devices.stream().map(device -> device.id).toList();
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
