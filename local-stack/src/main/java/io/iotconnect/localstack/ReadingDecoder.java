package io.iotconnect.localstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.AvroConverter;
import io.iotconnect.testing.SchemaRegistryServer;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;

/**
 * The device id and temperature of a reading as a topic holds it, for the summary's per-device counts: JSON without a
 * schema (the converter of the committed connector files), or Avro in Confluent's wire format with its schema in the
 * registry ({@code --avro}), read back with the converter the worker wrote it with.
 */
interface ReadingDecoder extends AutoCloseable {

    /** What the summary needs of a reading; either may be null when the value has no such field. */
    record Reading(String deviceId, Double temperature) {
    }

    Reading decode(String topic, byte[] value) throws IOException;

    @Override
    default void close() {
    }

    static ReadingDecoder json() {
        ObjectMapper json = new ObjectMapper();
        return (topic, value) -> {
            JsonNode node = json.readTree(value);
            return new Reading(node.path("deviceId").isTextual() ? node.get("deviceId").asText() : null,
                    node.path("temperature").isNumber() ? node.get("temperature").asDouble() : null);
        };
    }

    /** {@code registryApiUrl}: Apicurio Registry's v2 API, as the worker's converters have it. */
    static ReadingDecoder avro(String registryApiUrl) {
        AvroConverter converter = new AvroConverter();
        // The keys apply.mjs --avro gives the workers' converters: the same framing, read back.
        converter.configure(SchemaRegistryServer.confluentWireFormat(registryApiUrl), false);
        return new ReadingDecoder() {
            @Override
            public Reading decode(String topic, byte[] value) {
                if (!(converter.toConnectData(topic, value).value() instanceof Struct struct)) {
                    return new Reading(null, null);
                }
                Field deviceId = struct.schema().field("deviceId");
                Field temperature = struct.schema().field("temperature");
                Object id = deviceId == null ? null : struct.get(deviceId);
                Object degrees = temperature == null ? null : struct.get(temperature);
                return new Reading(id instanceof String text ? text : null,
                        degrees instanceof Number number ? number.doubleValue() : null);
            }

            @Override
            public void close() {
                converter.close();
            }
        };
    }
}
