package io.iotconnect.cosmos.mapping;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentMapperTest {

    @Test
    void structsWithLogicalTypesNestingAndArrays() {
        Schema location = SchemaBuilder.struct().field("lat", Schema.FLOAT64_SCHEMA).build();
        Schema schema = SchemaBuilder.struct()
                .field("deviceId", Schema.STRING_SCHEMA)
                .field("ts", Timestamp.SCHEMA)
                .field("day", Date.SCHEMA)
                .field("at", Time.SCHEMA)
                .field("price", Decimal.schema(2))
                .field("raw", Schema.BYTES_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("location", location)
                .field("missing", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct value = new Struct(schema).put("deviceId", "dev-1").put("ts", new java.util.Date(1_795_000_000_123L))
                .put("day", new java.util.Date(1_795_000_000_000L / 86_400_000L * 86_400_000L))
                .put("at", new java.util.Date(3_723_004L)).put("price", new BigDecimal("12.50"))
                .put("raw", new byte[] {1, 2, 3}).put("tags", List.of("a", "b"))
                .put("location", new Struct(location).put("lat", 52.5));

        ObjectNode document = new DocumentMapper("").document(new SinkRecord("t", 0, null, null, schema, value, 0L));

        assertThat(document.get("deviceId").asText()).isEqualTo("dev-1");
        assertThat(document.get("ts").asText()).isEqualTo("2026-11-18T11:06:40.123Z");
        assertThat(document.get("day").asText()).isEqualTo("2026-11-18");
        assertThat(document.get("at").asText()).isEqualTo("01:02:03.004");
        assertThat(document.get("price").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(document.get("raw").asText()).isEqualTo("AQID");
        assertThat(document.get("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(document.get("location").get("lat").asDouble()).isEqualTo(52.5);
        assertThat(document.get("missing").isNull()).isTrue();
    }

    @Test
    void fieldsASourceRenamedForAvroGetTheirJsonKeysBackUnlessTheSchemaNamesAreAsked() {
        Schema geo = SchemaBuilder.struct().optional().parameter("iotconnect.json.name.lat_deg", "lat-deg")
                .field("lat_deg", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
        Schema sample = SchemaBuilder.struct().optional().parameter("iotconnect.json.name.v_1", "v-1")
                .field("v_1", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
        Schema schema = SchemaBuilder.struct()
                .parameter("iotconnect.json.name.fw_version", "fw-version")
                .parameter("io.confluent.connect.avro.field.doc.fw_version", "JSON name: fw-version")
                .field("deviceId", Schema.OPTIONAL_STRING_SCHEMA)
                .field("fw_version", Schema.OPTIONAL_STRING_SCHEMA)
                .field("geo", geo)
                .field("samples", SchemaBuilder.array(sample).optional().build())
                .build();
        Struct value = new Struct(schema).put("deviceId", "d1").put("fw_version", "3.1.6")
                .put("geo", new Struct(geo).put("lat_deg", 52.5))
                .put("samples", List.of(new Struct(sample).put("v_1", 1.5)));
        SinkRecord record = new SinkRecord("t", 0, null, null, schema, value, 0L);

        ObjectNode json = new DocumentMapper("").document(record);
        assertThat(json.toString()).isEqualTo("{\"deviceId\":\"d1\",\"fw-version\":\"3.1.6\",\"geo\":{\"lat-deg\":52.5},"
                + "\"samples\":[{\"v-1\":1.5}]}");
        ObjectNode names = new DocumentMapper("", io.iotconnect.cosmos.config.DocumentFieldNames.SCHEMA).document(record);
        assertThat(names.toString()).isEqualTo("{\"deviceId\":\"d1\",\"fw_version\":\"3.1.6\",\"geo\":{\"lat_deg\":52.5},"
                + "\"samples\":[{\"v_1\":1.5}]}");
    }

    @Test
    void schemalessMapsNonFiniteNumbersAndHeaders() {
        Map<String, Object> value = new HashMap<>();
        value.put("temperature", Double.NaN);
        value.put("count", 3L);
        value.put("nested", Map.of("ok", true));
        SinkRecord record = new SinkRecord("t", 0, null, "k", null, value, 0L);
        record.headers().addString("mqtt.topic", "devices/dev-1/telemetry").addBoolean("anomaly", true);

        ObjectNode document = new DocumentMapper("_headers").document(record);

        assertThat(document.get("temperature").isNull()).as("JSON has no NaN").isTrue();
        assertThat(document.get("count").asLong()).isEqualTo(3);
        assertThat(document.get("nested").get("ok").asBoolean()).isTrue();
        assertThat(document.get("_headers").get("mqtt.topic").asText()).isEqualTo("devices/dev-1/telemetry");
        assertThat(document.get("_headers").get("anomaly").asBoolean()).isTrue();
    }

    @Test
    void aValueThatIsNotAnObjectIsADataException() {
        SinkRecord record = new SinkRecord("t", 0, null, "k", Schema.STRING_SCHEMA, "21.5", 0L);
        assertThatThrownBy(() -> new DocumentMapper("").document(record)).isInstanceOf(DataException.class)
                .hasMessageContaining("a Cosmos DB document must be a JSON object");
    }

    @Test
    void theTextOfAJsonObjectAsAStringOrBytesIsParsedIntoTheDocument() {
        DocumentMapper mapper = new DocumentMapper("");
        String text = " {\"deviceId\":\"dev-1\",\"temperature\":21.5,\"count\":3,\"tags\":[\"a\"],\"at\":{\"ms\":1795000000000}}";

        ObjectNode fromString = mapper.document(new SinkRecord("t", 0, null, "k", Schema.OPTIONAL_STRING_SCHEMA, text, 0L));
        ObjectNode fromBytes = mapper.document(new SinkRecord("t", 0, null, "k", Schema.OPTIONAL_BYTES_SCHEMA,
                text.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0L));
        ObjectNode schemaless = mapper.document(new SinkRecord("t", 0, null, "k", null, text, 0L));

        assertThat(fromString.get("deviceId").asText()).isEqualTo("dev-1");
        assertThat(fromString.get("temperature").decimalValue()).isEqualByComparingTo("21.5");
        assertThat(fromString.get("count").asLong()).isEqualTo(3);
        assertThat(fromString.get("at").get("ms").asLong()).isEqualTo(1795000000000L);
        assertThat(fromBytes).isEqualTo(fromString);
        assertThat(schemaless).isEqualTo(fromString);
    }

    @Test
    void textThatIsNotOneJsonObjectIsADataExceptionSayingWhy() {
        DocumentMapper mapper = new DocumentMapper("");
        assertThatThrownBy(() -> mapper.document(new SinkRecord("t", 0, null, "k", null, "{\"deviceId\":", 0L)))
                .isInstanceOf(DataException.class).hasMessageStartingWith("value is text that starts a JSON object but is not valid JSON");
        assertThatThrownBy(() -> mapper.document(new SinkRecord("t", 0, null, "k", null, "{\"a\":1} {\"b\":2}", 0L)))
                .as("text after the object").isInstanceOf(DataException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> mapper.document(new SinkRecord("t", 0, null, "k", null, "[1,2]", 0L)))
                .isInstanceOf(DataException.class).hasMessageContaining("value is string, not an object")
                .hasMessageContaining("StringConverter");
        // Bytes with a logical type (a Decimal) are no text: mapped as a value, and not an object.
        Schema decimal = Decimal.schema(2);
        assertThatThrownBy(() -> mapper.document(new SinkRecord("t", 0, null, "k", decimal, new BigDecimal("1.25"), 0L)))
                .isInstanceOf(DataException.class).hasMessageContaining("not an object");
    }
}
