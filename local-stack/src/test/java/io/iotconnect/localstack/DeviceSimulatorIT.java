package io.iotconnect.localstack;

import io.iotconnect.testing.MosquittoBroker;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device simulator against a broker that takes no anonymous clients, as the Docker stack's mosquitto: it logs in
 * with MQTT_USERNAME and MQTT_PASSWORD from its environment, and without them the broker turns it away.
 */
class DeviceSimulatorIT {

    @Test
    void devicesLogInWithTheCredentialsOfTheirEnvironment() throws Exception {
        try (MosquittoBroker broker = MosquittoBroker.builder().user("iot-device", "device-Pa55word").start()) {
            assertThatThrownBy(() -> new DeviceSimulator(broker.uri(), 1, 10).close())
                    .as("anonymous").isInstanceOf(MqttException.class);
            assertThatThrownBy(() -> new DeviceSimulator(broker.uri(), 1, 10,
                    Map.of("MQTT_USERNAME", "iot-device", "MQTT_PASSWORD", "wrong")).close())
                    .as("a wrong password").isInstanceOf(MqttException.class);

            try (DeviceSimulator simulator = new DeviceSimulator(broker.uri(), 2, 20,
                    Map.of("MQTT_USERNAME", "iot-device", "MQTT_PASSWORD", "device-Pa55word", "PATH", "/usr/bin"))) {
                simulator.start();
                for (int i = 0; i < 100 && simulator.published() < 5; i++) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                assertThat(simulator.published()).as("readings the broker acknowledged").isGreaterThanOrEqualTo(5);
            }
        }
    }
}
