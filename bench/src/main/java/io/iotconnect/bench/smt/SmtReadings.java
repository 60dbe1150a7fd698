package io.iotconnect.bench.smt;

import io.iotconnect.testing.Readings;
import io.iotconnect.testing.Readings.Reading;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;

/**
 * Realistic readings as the MQTT source emits them with
 * {@value io.iotconnect.mqtt.config.MqttSourceConnectorConfig#VALUE_FORMAT_CONFIG}=json: an inferred Struct schema (or a
 * schemaless map), the device id as key, the MQTT metadata headers, the reading time as record timestamp. About 1 %
 * carry an injected anomaly.
 */
final class SmtReadings {

    static final String RULES = "deviceId: required string; ts: required timestamp max.future(5m) max.age(7d); "
            + "temperature: required number range(-40, 125); humidity: required number range(0, 100); "
            + "pressure: number range(800, 1200); light: number min(0); location.lat: number range(-90, 90)";
    static final String DETECTORS = "temperature: above(warning=35, critical=80) below(warning=0, critical=-20) "
            + "zscore(warning=4, critical=6) rate(warning=0.5) flatline(20) likelihood; humidity: above(warning=85, critical=95); "
            + "pressure: below(warning=980, critical=950); light: below(warning=10)";
    static final String GAP = "10m";

    private SmtReadings() {
    }

    /** {@code count} readings ({@link Readings#fleet}) from {@code devices} devices, one a minute each, ending about now. */
    static SourceRecord[] records(int count, int devices, boolean struct) {
        List<Reading> readings = Readings.fleet(count, devices, System.currentTimeMillis(), 17);
        SourceRecord[] records = new SourceRecord[count];
        for (int i = 0; i < count; i++) {
            Reading reading = readings.get(i);
            Object value = struct ? reading.struct(Readings.EPOCH_SCHEMA) : reading.map();
            Schema schema = struct ? Readings.EPOCH_SCHEMA : null;
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString("mqtt.topic", "plant/" + reading.deviceId() + "/telemetry");
            headers.addString("mqtt.qos", "1");
            headers.addString("mqtt.retained", "false");
            headers.addString("mqtt.duplicate", "false");
            headers.addString("mqtt.message.id", Integer.toString(1 + i % 65535));
            records[i] = new SourceRecord(Map.of("client", "bench"), Map.of(), "telemetry", null, Schema.STRING_SCHEMA,
                    reading.deviceId(), schema, value, reading.ts(), headers);
        }
        return records;
    }
}
