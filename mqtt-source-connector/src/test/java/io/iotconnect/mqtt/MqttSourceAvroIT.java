package io.iotconnect.mqtt;

import io.apicurio.registry.utils.converter.AvroConverter;
import io.iotconnect.mqtt.config.MqttSourceConnectorConfig;
import io.iotconnect.mqtt.mapping.MqttRecordMapper;
import io.iotconnect.testing.ClassServers;
import io.iotconnect.testing.MosquittoBroker;
import io.iotconnect.testing.MqttTestPublisher;
import io.iotconnect.testing.SchemaRegistryServer;
import io.iotconnect.testing.SchemaRegistryServer.Compatibility;
import io.iotconnect.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.iotconnect.mqtt.AvroSchemas.collectNames;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * MQTT to Kafka in Avro through a real schema registry: the MQTT source on a Connect worker with Apicurio's
 * {@link AvroConverter} in the Confluent wire format, payloads whose keys Avro refuses ({@code temp-c}, {@code 1st},
 * {@code ü}), nesting that comes and goes, and a global BACKWARD compatibility level, which refuses a renamed record.
 * A plain consumer reads the bytes; the converter reads them back.
 */
class MqttSourceAvroIT {

    private static final Logger log = LoggerFactory.getLogger(MqttSourceAvroIT.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String NAME_PATTERN = "[A-Za-z_][A-Za-z0-9_]*";

    private static MosquittoBroker broker;
    private static SchemaRegistryServer registry;
    private static EmbeddedConnectCluster connect;
    private static MqttTestPublisher publisher;

    @RegisterExtension
    static final ClassServers servers = new ClassServers();

    @BeforeAll
    static void startServers() {
        broker = servers.add(MosquittoBroker.start());
        registry = servers.add(SchemaRegistryServer.start());
        connect = servers.connect("mqtt-avro-it", 1);
        publisher = servers.add(new MqttTestPublisher(broker.uri()));
    }

    private static Map<String, Object> converterConfig() {
        return new HashMap<>(registry.confluentWireFormat());
    }

    @Test
    void payloadsWithKeysAvroRefusesArriveAsAvroWithValidNamesAndOneVersionPerShape() throws Exception {
        registry.compatibility(Compatibility.BACKWARD);
        String topic = "devices-telemetry";
        Map<String, String> props = MqttSourceProps.of(broker.uri(), "devices/+/telemetry", topic);
        props.put("value.converter", AvroConverter.class.getName());
        converterConfig().forEach((key, value) -> props.put("value.converter." + key, value.toString()));
        props.remove("value.converter.schemas.enable");
        props.put(MqttSourceConnectorConfig.JSON_FIELD_NAMES_CONFIG, "avro");
        props.put(MqttSourceConnectorConfig.JSON_SCHEMA_NAME_CONFIG, "io.iotconnect.${topic}");
        props.put(MqttSourceConnectorConfig.ERROR_TOPIC_CONFIG, "devices-errors");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "1");
        connect.configureConnector("avro", props);
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("avro", 1, "connector avro did not start");

        String full = "{\"temp-c\":21.5,\"1st\":true,\"\u00fc\":\"gr\u00fcn\",\"location\":{\"lat\":52.52,\"lon-deg\":13.4},"
                + "\"samples\":[{\"v-1\":1.5,\"at\":1},{\"v-1\":2.5,\"at\":2}]}";
        String sameShape = "{\"temp-c\":19.0,\"1st\":false,\"\u00fc\":\"rot\",\"location\":{\"lat\":48.1,\"lon-deg\":11.6},"
                + "\"samples\":[{\"v-1\":3.5,\"at\":3}]}";
        // No location: unnamed, the samples' record would have been renumbered (ConnectDefault3 -> ConnectDefault2).
        String withoutLocation = "{\"temp-c\":22.0,\"1st\":true,\"\u00fc\":\"blau\",\"samples\":[{\"v-1\":4.5,\"at\":4}]}";
        publisher.publish("devices/dev-1/telemetry", full, 1);
        publisher.publish("devices/dev-2/telemetry", sameShape, 1);
        publisher.publish("devices/dev-1/telemetry", withoutLocation, 1);
        publisher.publish("devices/dev-3/telemetry", "{\"temp-c\":1.0,\"temp_c\":2.0}", 1);
        publisher.publish("devices/dev-2/telemetry", sameShape, 1);

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readUntil(connect.kafka(), topic, r -> r.size() >= 4, TIMEOUT);
        assertThat(records).hasSize(4);
        assertThat(records).extracting(r -> new String(r.key(), StandardCharsets.UTF_8)).containsExactly("dev-1", "dev-2", "dev-1", "dev-2");

        AvroConverter reader = servers.add(new AvroConverter());
        reader.configure(converterConfig(), false);
        Set<Integer> ids = new LinkedHashSet<>();
        List<Struct> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            byte[] bytes = record.value();
            assertThat(bytes[0]).as("Confluent magic byte").isZero();
            int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
            assertThat(registry.schemaStatus(id)).as("GET /schemas/ids/%d", id).isEqualTo(200);
            assertThat(record.headers().toArray()).extracting(Header::key).noneMatch(key -> key.startsWith("apicurio."));
            ids.add(id);
            SchemaAndValue back = reader.toConnectData(topic, bytes);
            values.add((Struct) back.value());
            log.info("record of {} bytes (5 of framing), schema id {}", bytes.length, id);
        }
        assertThat(ids).as("one schema per payload shape").hasSize(2);

        Struct first = values.get(0);
        Schema schema = first.schema();
        assertThat(schema.name()).isEqualTo("io.iotconnect.devices_telemetry");
        assertThat(schema.fields()).extracting(f -> f.name()).containsExactly("temp_c", "_1st", "_", "location", "samples");
        assertThat(schema.parameters())
                .containsEntry("io.confluent.connect.avro.field.doc.temp_c", "JSON name: temp-c")
                .containsEntry("io.confluent.connect.avro.field.doc._1st", "JSON name: 1st")
                .containsEntry("io.confluent.connect.avro.field.doc._", "JSON name: \u00fc")
                .containsEntry("iotconnect.json.name.temp_c", "temp-c")
                .containsEntry("iotconnect.json.name._", "\u00fc");
        assertThat(first.getFloat64("temp_c")).isEqualTo(21.5);
        assertThat(first.getBoolean("_1st")).isTrue();
        assertThat(first.getString("_")).isEqualTo("gr\u00fcn");
        assertThat(first.getStruct("location").getFloat64("lon_deg")).isEqualTo(13.4);
        assertThat(first.getStruct("location").schema().name()).isEqualTo("io.iotconnect.devices_telemetry.location");
        assertThat(first.getArray("samples")).extracting(s -> ((Struct) s).getFloat64("v_1")).containsExactly(1.5, 2.5);
        assertThat(values.get(1).getString("_")).isEqualTo("rot");
        assertThat(values.get(1).schema()).isEqualTo(schema);
        Struct third = values.get(2);
        assertThat(third.schema().field("location")).isNull();
        assertThat(third.getArray("samples")).extracting(s -> ((Struct) s).getFloat64("v_1")).containsExactly(4.5);
        assertThat(third.schema().field("samples").schema().valueSchema())
                .as("the samples' record keeps its name without location").isEqualTo(schema.field("samples").schema().valueSchema());
        assertThat(values.get(3)).isEqualTo(values.get(1));

        // What the registry holds: two versions, Avro names only, the JSON names as field docs.
        String subject = topic + "-value";
        assertThat(registry.versions(subject)).as("versions of %s", subject).containsExactly(1, 2);
        for (int id : ids) {
            String text = registry.schema(id);
            org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(text);
            log.info("schema {}: {} characters: {}", id, text.length(), text);
            assertThat(avro.getFullName()).isEqualTo("io.iotconnect.devices_telemetry");
            assertThat(avro.getField("temp_c").doc()).isEqualTo("JSON name: temp-c");
            assertThat(avro.getField("_").doc()).isEqualTo("JSON name: \u00fc");
            List<String> names = new ArrayList<>();
            collectNames(avro, names);
            assertThat(names).allSatisfy(name -> assertThat(name).matches(NAME_PATTERN + "(\\." + NAME_PATTERN + ")*"));
            assertThat(names).contains("io.iotconnect.devices_telemetry.samples").doesNotContain("io.confluent.connect.avro.ConnectDefault");
        }

        // The two keys that become one Avro name: on the error topic with the reason, not a failed task.
        List<ConsumerRecord<byte[], byte[]>> errors = TopicReader.readUntil(connect.kafka(), "devices-errors", r -> r.size() >= 1, TIMEOUT);
        assertThat(errors).hasSize(1);
        Header reason = errors.get(0).headers().lastHeader(MqttRecordMapper.HEADER_ERROR_REASON);
        assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("\"temp-c\" and \"temp_c\"");
        connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("avro", 1, "the task survived");
        connect.deleteConnector("avro");
    }
}
