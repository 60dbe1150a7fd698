package io.iotconnect.anomaly.reading;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceIdSourceTest {

    @Test
    void aLongIdKeepsItsStateUnderADigestOfFixedSizeAndStillTellsDevicesApart() {
        DeviceIdSource fromKey = DeviceIdSource.of("");
        String megabyte = "d".repeat(1024 * 1024);
        Object state = fromKey.stateKey(megabyte, Map.of());
        assertThat(state).isInstanceOf(DeviceIdSource.LongIdDigest.class).isEqualTo(fromKey.stateKey("d".repeat(1024 * 1024), Map.of()));
        assertThat(state).isNotEqualTo(fromKey.stateKey(megabyte + "e", Map.of()));
        assertThat(fromKey.stateKey("sensor-001", Map.of())).isEqualTo("sensor-001");
        assertThat(fromKey.deviceId(megabyte, Map.of())).as("validation still sees the id itself").isSameAs(megabyte);
        assertThat(DeviceIdSource.of("meta.id").stateKey(null, Map.of("meta", Map.of("id", 42L)))).isEqualTo(42L);
    }
}
