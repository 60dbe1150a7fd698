package io.iotconnect.datalake.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.iotconnect.datalake.config.RecordColumn;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * JSON lines: one object per record. A struct or map value is the object, any other value is its {@code value} field;
 * metadata columns are added as fields. Timestamps are ISO-8601 strings (which DuckDB and Spark read as timestamps),
 * dates {@code yyyy-MM-dd}, bytes base64. Any schema fits, so a schema change starts no new file.
 */
final class JsonLinesFormatWriter implements FormatWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private final FileOutput out;
    private final OutputStream target;
    private final JsonGenerator json;
    private final List<RecordColumn> columns;
    private final String prefix;

    JsonLinesFormatWriter(String codec, Set<RecordColumn> columns, String prefix, FileOutput out) throws IOException {
        this.out = out;
        this.target = codec.equals("gzip") ? new GZIPOutputStream(out, 64 * 1024) : out;
        this.json = JSON.createGenerator(target);
        json.setRootValueSeparator(null);
        this.columns = List.copyOf(columns);
        this.prefix = prefix;
    }

    @Override
    public void write(SinkRecord record) throws IOException {
        Object value = record.value();
        json.writeStartObject();
        if (value instanceof Struct struct) {
            for (Field field : struct.schema().fields()) {
                Object fieldValue = struct.get(field);
                if (fieldValue != null) {
                    json.writeFieldName(field.name());
                    value(fieldValue, field.schema());
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() != null) {
                    json.writeFieldName(String.valueOf(entry.getKey()));
                    value(entry.getValue(), null);
                }
            }
        } else if (value != null) {
            json.writeFieldName(RowSchemas.VALUE_FIELD);
            value(value, record.valueSchema());
        }
        for (RecordColumn column : columns) {
            json.writeFieldName(prefix + column.column());
            metadata(column, record);
        }
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private void metadata(RecordColumn column, SinkRecord record) throws IOException {
        switch (column) {
            case TOPIC -> json.writeString(record.topic());
            case PARTITION -> json.writeNumber(record.kafkaPartition());
            case OFFSET -> json.writeNumber(record.kafkaOffset());
            case TIMESTAMP -> {
                if (record.timestamp() == null) {
                    json.writeNull();
                } else {
                    json.writeString(Instant.ofEpochMilli(record.timestamp()).toString());
                }
            }
            case KEY -> {
                if (record.key() == null) {
                    json.writeNull();
                } else {
                    json.writeString(Values.convertToString(record.keySchema(), record.key()));
                }
            }
            case HEADERS -> {
                json.writeStartObject();
                for (Header header : record.headers()) {
                    json.writeFieldName(header.key());
                    if (header.value() == null) {
                        json.writeNull();
                    } else {
                        json.writeString(Values.convertToString(header.schema(), header.value()));
                    }
                }
                json.writeEndObject();
            }
        }
    }

    private void value(Object value, Schema schema) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Struct struct) {
            json.writeStartObject();
            for (Field field : struct.schema().fields()) {
                Object fieldValue = struct.get(field);
                if (fieldValue != null) {
                    json.writeFieldName(field.name());
                    value(fieldValue, field.schema());
                }
            }
            json.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                value(entry.getValue(), schema == null ? null : schema.valueSchema());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object element : list) {
                value(element, schema == null ? null : schema.valueSchema());
            }
            json.writeEndArray();
        } else if (value instanceof java.util.Date date) {
            String logical = schema == null ? null : schema.name();
            if (Date.LOGICAL_NAME.equals(logical)) {
                json.writeString(date.toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString());
            } else if (Time.LOGICAL_NAME.equals(logical)) {
                json.writeString(LocalTime.ofNanoOfDay(Math.floorMod(date.getTime(), 86_400_000L) * 1_000_000L).toString());
            } else {
                json.writeString(date.toInstant().toString());
            }
        } else if (value instanceof BigDecimal decimal) {
            json.writeNumber(decimal);
        } else if (value instanceof Double number) {
            json.writeNumber(number);
        } else if (value instanceof Float number) {
            json.writeNumber(number);
        } else if (value instanceof Number number) {
            json.writeNumber(number.longValue());
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof byte[] bytes) {
            json.writeString(Base64.getEncoder().encodeToString(bytes));
        } else if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            json.writeString(Base64.getEncoder().encodeToString(bytes));
        } else {
            json.writeString(value.toString());
        }
    }

    @Override
    public long bytes() {
        return out.position();
    }

    @Override
    public long finish() throws IOException {
        json.flush();
        target.close();
        return out.position();
    }

    @Override
    public void abort() {
        // Nothing buffered beyond the generator's small buffer.
    }
}
