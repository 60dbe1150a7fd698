package io.iotconnect.iothub.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Events as the SDK adapter makes them, for unit tests. */
public final class TestEvents {

    public static final Instant ENQUEUED = Instant.parse("2026-03-04T05:06:07.089Z");

    private TestEvents() {
    }

    public static IotHubEvent telemetry(String partition, long sequenceNumber, String deviceId, String body) {
        Map<String, Object> iotHub = new LinkedHashMap<>();
        if (deviceId != null) {
            iotHub.put(IotHubEvent.DEVICE_ID, deviceId);
            iotHub.put(IotHubEvent.MESSAGE_SOURCE, "Telemetry");
        }
        return event(partition, sequenceNumber, body.getBytes(StandardCharsets.UTF_8), iotHub, null, Map.of());
    }

    public static IotHubEvent event(String partition, long sequenceNumber, byte[] body, Map<String, Object> iotHub,
                                    String partitionKey, Map<String, Object> properties) {
        return new IotHubEvent(partition, sequenceNumber, Long.toString(sequenceNumber * 100), ENQUEUED.plusMillis(sequenceNumber),
                partitionKey, body, iotHub, null, null, null, null, properties, null);
    }
}
