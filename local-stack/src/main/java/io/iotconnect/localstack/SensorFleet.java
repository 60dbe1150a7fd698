package io.iotconnect.localstack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated sensors and what they send, whatever the transport: readings (temperature, humidity, pressure, battery)
 * that drift like real sensors; about 1 in 100 is off: a heat spike or a pressure drop (anomalies for FlagAnomaly) or a
 * humidity above 100 % (invalid for ValidateReading), and about 1 in 200 messages is malformed (truncated JSON, binary
 * garbage, bad UTF-8), as a flaky device would send them. It also counts what its transport got acknowledged.
 * {@link #next()} is for one simulator thread; the counts may be read from any thread.
 */
final class SensorFleet {

    private static final double ANOMALY_RATE = 0.01;
    private static final double MALFORMED_RATE = 0.005;

    enum Kind { VALID, ANOMALY, INVALID, MALFORMED }

    /** One message a device sends: its kind, the reading's time (epoch ms) and the payload. */
    record Message(String deviceId, Kind kind, long ts, byte[] payload) {
    }

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

    private final List<Device> devices = new ArrayList<>();
    private final SplittableRandom random;
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong anomalies = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, Long> newestValid = new ConcurrentHashMap<>();
    private int next;

    /** {@code idFormat}: the device ids, numbered from 1, like {@code sensor-%03d}. */
    SensorFleet(String idFormat, int deviceCount, long seed) {
        random = new SplittableRandom(seed);
        for (int i = 1; i <= deviceCount; i++) {
            devices.add(new Device(String.format(Locale.ROOT, idFormat, i), random));
        }
    }

    /** The next device's next message, the devices taking turns. */
    Message next() {
        Device device = devices.get(next++ % devices.size());
        long ts = System.currentTimeMillis();
        if (random.nextDouble() < MALFORMED_RATE) {
            return new Message(device.id, Kind.MALFORMED, ts, malformedPayload());
        }
        Kind kind = Kind.VALID;
        if (random.nextDouble() < ANOMALY_RATE) {
            kind = random.nextInt(3) == 1 ? Kind.INVALID : Kind.ANOMALY;
        }
        return new Message(device.id, kind, ts, reading(device, kind, ts).getBytes(StandardCharsets.UTF_8));
    }

    /** The transport acknowledged the message: it counts as sent. */
    void sent(Message message) {
        published.incrementAndGet();
        switch (message.kind()) {
            case MALFORMED -> malformed.incrementAndGet();
            case INVALID -> invalid.incrementAndGet();
            case ANOMALY -> {
                anomalies.incrementAndGet();
                newestValid.merge(message.deviceId(), message.ts(), Math::max);
            }
            default -> newestValid.merge(message.deviceId(), message.ts(), Math::max);
        }
    }

    /** The transport did not acknowledge the message: not sent, so never counted as such. */
    void notSent() {
        failed.incrementAndGet();
    }

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

    long published() {
        return published.get();
    }

    long anomalies() {
        return anomalies.get();
    }

    long malformed() {
        return malformed.get();
    }

    long invalid() {
        return invalid.get();
    }

    long failed() {
        return failed.get();
    }

    Map<String, Long> newestValidReadings() {
        return Map.copyOf(newestValid);
    }

    List<String> deviceIds() {
        return devices.stream().map(device -> device.id).toList();
    }

    /**
     * How many messages are due after {@code ticks} ticks of 100 ms at {@code perSecond}, so a rate that is not a
     * multiple of 10 is kept on average (7/s: 0 or 1 a tick, 7 a second).
     */
    static long dueAfter(long ticks, int perSecond) {
        return ticks * perSecond / 10;
    }
}
