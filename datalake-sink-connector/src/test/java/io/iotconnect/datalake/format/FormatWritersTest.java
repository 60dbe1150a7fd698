package io.iotconnect.datalake.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.datalake.config.FileFormat;
import io.iotconnect.datalake.config.RecordColumn;
import io.iotconnect.testing.Readings;
import org.apache.avro.LogicalTypes;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class FormatWritersTest {

    private static final long T = 1_764_567_600_000L;
    private static final Schema RICH = SchemaBuilder.struct().name("io.example.Rich")
            .field("temp-c", Schema.FLOAT64_SCHEMA)
            .field("1st", Schema.OPTIONAL_INT32_SCHEMA)
            .field("at", Timestamp.SCHEMA)
            .field("day", Date.builder().optional().build())
            .field("price", Decimal.builder(2).optional().build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("counts", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA).optional().build())
            .field("byId", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("location", Readings.LOCATION)
            .build();

    @TempDir
    Path dir;

    private static SinkRecord record(Schema schema, Object value, long offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString("mqtt.topic", "plant/dev-1");
        return new SinkRecord("telemetry", 1, Schema.STRING_SCHEMA, "dev-1", schema, value, offset, T, TimestampType.CREATE_TIME, headers);
    }

    private static Struct rich(int i) {
        return new Struct(RICH).put("temp-c", 20.0 + i).put("1st", i).put("at", new java.util.Date(T + i))
                .put("day", new java.util.Date(86_400_000L * 20_000)).put("price", new BigDecimal("12.34"))
                .put("tags", List.of("a", "b")).put("counts", Map.of("x", 1L)).put("byId", Map.of(7, "seven"))
                .put("raw", new byte[]{1, 2, 3}).put("location", new Struct(Readings.LOCATION).put("lat", 52.0).put("lon", 4.0));
    }

    private static FormatWriters formats(FileFormat format, String codec, Set<RecordColumn> columns) {
        return new FormatWriters(format, codec, columns, "kafka_", 1024 * 1024);
    }

    private List<GenericRecord> parquet(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("f.parquet"), bytes);
        List<GenericRecord> rows = new ArrayList<>();
        try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                .withConf(new Configuration(false)).build()) {
            for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void parquetKeepsTypesLogicalTypesAndOriginalNames() throws IOException {
        for (String codec : FileFormat.PARQUET.codecs()) {
            FormatWriters formats = formats(FileFormat.PARQUET, codec, EnumSet.of(RecordColumn.OFFSET, RecordColumn.TIMESTAMP,
                    RecordColumn.KEY, RecordColumn.HEADERS));
            AvroRows rows = formats.rows(RowSchemas.rowSchemaOf(RICH, null));
            BytesOutput out = new BytesOutput();
            FormatWriter writer = formats.open(FileFormat.PARQUET, rows, out);
            for (int i = 0; i < 100; i++) {
                writer.write(record(RICH, rich(i), 1000 + i));
            }
            writer.finish();
            assertThat(out.closed()).isTrue();

            List<GenericRecord> read = parquet(out.toByteArray());
            assertThat(read).as(codec).hasSize(100);
            GenericRecord first = read.get(0);
            assertThat(first.get("temp_c")).isEqualTo(20.0);
            assertThat(first.get("_1st")).isEqualTo(0);
            assertThat(first.get("at")).isEqualTo(T);
            assertThat(first.get("day")).isEqualTo(20_000);
            assertThat(new BigDecimal(new java.math.BigInteger(bytes((ByteBuffer) first.get("price"))), 2)).isEqualByComparingTo("12.34");
            assertThat(first.get("kafka_offset")).isEqualTo(1000L);
            assertThat(first.get("kafka_key").toString()).isEqualTo("dev-1");
            assertThat(((Map<?, ?>) first.get("kafka_headers")).toString()).contains("mqtt.topic").contains("plant/dev-1");
            assertThat(((GenericRecord) first.get("location")).get("lat")).isEqualTo(52.0);
            org.apache.avro.Schema schema = first.getSchema();
            assertThat(schema.getField("temp_c").getProp("connect.name")).isEqualTo("temp-c");
            assertThat(schema.getField("at").schema().getTypes().get(1).getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
            try (ParquetFileReader footer = ParquetFileReader.open(new LocalInputFile(dir.resolve("f.parquet")))) {
                assertThat(footer.getRowGroups().get(0).getColumns().get(0).getCodec().name())
                        .isEqualTo(codec.equals("none") ? "UNCOMPRESSED" : codec.toUpperCase());
            }
        }
    }

    @Test
    void avroContainerFilesReadBackWithTheirOwnReader() throws IOException {
        for (String codec : FileFormat.AVRO.codecs()) {
            FormatWriters formats = formats(FileFormat.AVRO, codec, EnumSet.of(RecordColumn.PARTITION));
            AvroRows rows = formats.rows(RowSchemas.rowSchemaOf(RICH, null));
            BytesOutput out = new BytesOutput();
            FormatWriter writer = formats.open(FileFormat.AVRO, rows, out);
            for (int i = 0; i < 50; i++) {
                writer.write(record(RICH, rich(i), i));
            }
            writer.finish();

            List<GenericRecord> read = new ArrayList<>();
            try (DataFileReader<GenericRecord> reader = new DataFileReader<>(new SeekableByteArrayInput(out.toByteArray()),
                    new GenericDatumReader<>())) {
                reader.forEach(read::add);
                assertThat(reader.getMetaString("avro.codec")).isEqualTo(codec.equals("none") ? "null" : codec);
            }
            assertThat(read).as(codec).hasSize(50);
            assertThat(read.get(49).get("temp_c")).isEqualTo(69.0);
            assertThat(read.get(49).get("kafka_partition")).isEqualTo(1);
            assertThat(read.get(0).get("byId").toString()).contains("seven");
        }
    }

    @Test
    void jsonLinesWriteAnyValueWithIsoTimes() throws IOException {
        for (String codec : FileFormat.JSON.codecs()) {
            FormatWriters formats = formats(FileFormat.JSON, codec, EnumSet.of(RecordColumn.OFFSET));
            BytesOutput out = new BytesOutput();
            FormatWriter writer = formats.open(FileFormat.JSON, null, out);
            writer.write(record(RICH, rich(1), 5));
            writer.write(record(null, Readings.map("dev-2", T, 30.5, 10.0), 6));
            writer.write(record(Schema.STRING_SCHEMA, "just text", 7));
            writer.finish();

            byte[] bytes = out.toByteArray();
            String text = codec.equals("gzip") ? new String(new GZIPInputStream(new ByteArrayInputStream(bytes)).readAllBytes(),
                    StandardCharsets.UTF_8) : new String(bytes, StandardCharsets.UTF_8);
            List<JsonNode> lines = new ArrayList<>();
            for (String line : text.split("\n")) {
                lines.add(new ObjectMapper().readTree(line));
            }
            assertThat(lines).as(codec).hasSize(3);
            assertThat(lines.get(0).get("temp-c").asDouble()).isEqualTo(21.0);
            assertThat(lines.get(0).get("at").asText()).isEqualTo("2025-12-01T05:40:00.001Z");
            assertThat(lines.get(0).get("day").asText()).isEqualTo("2024-10-04");
            assertThat(lines.get(0).get("raw").asText()).isEqualTo("AQID");
            assertThat(lines.get(1).get("temperature").asDouble()).isEqualTo(30.5);
            assertThat(lines.get(2).get("value").asText()).isEqualTo("just text");
            assertThat(lines.get(2).get("kafka_offset").asLong()).isEqualTo(7);
            assertThat(formats.extension(FileFormat.JSON)).isEqualTo(codec.equals("gzip") ? "json.gz" : "json");
        }
    }

    @Test
    void aRecordWhoseSchemaIsASubsetFillsTheRestWithNulls() throws IOException {
        FormatWriters formats = formats(FileFormat.PARQUET, "snappy", Set.of());
        AvroRows rows = formats.rows(RowSchemas.rowSchemaOf(Readings.SCHEMA, null));
        BytesOutput out = new BytesOutput();
        FormatWriter writer = formats.open(FileFormat.PARQUET, rows, out);
        writer.write(record(Readings.SCHEMA, Readings.struct("dev-1", T, 21.0, 40.0), 1));
        writer.write(record(null, Map.of("deviceId", "dev-2", "temperature", 22L), 2));
        writer.write(record(null, null, 3));
        writer.finish();

        List<GenericRecord> read = parquet(out.toByteArray());
        assertThat(read).hasSize(3);
        assertThat(read.get(0).get("ts")).isEqualTo(T);
        assertThat(read.get(1).get("temperature")).as("an integer into a double column").isEqualTo(22.0);
        assertThat(read.get(1).get("humidity")).isNull();
        assertThat(read.get(2).get("deviceId")).as("a tombstone row").isNull();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
