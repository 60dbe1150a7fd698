package io.iotconnect.mqtt.config;

/** MQTT protocol version spoken to the broker. */
public enum MqttVersion {
    V5("5"),
    V3_1_1("3.1.1");

    private final String configValue;

    MqttVersion(String configValue) {
        this.configValue = configValue;
    }

    public static MqttVersion parse(String value) {
        for (MqttVersion version : values()) {
            if (version.configValue.equals(value.trim())) {
                return version;
            }
        }
        throw new IllegalArgumentException("unknown MQTT version '" + value + "': use 5 or 3.1.1");
    }

    @Override
    public String toString() {
        return configValue;
    }
}
