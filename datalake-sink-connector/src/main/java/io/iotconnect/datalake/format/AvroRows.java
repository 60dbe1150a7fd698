package io.iotconnect.datalake.format;

import io.iotconnect.common.json.AvroNames;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.config.RecordColumn;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A file's rows as Avro records, for the Avro and Parquet writers: the Avro schema of a {@link RowSchemas row schema}
 * plus the metadata columns, and each record's value converted by field name. Avro and Parquet column names allow
 * only letters, digits and {@code _}: names go through {@link AvroNames#name} (a clash gets a number), and the original
 * name is kept in the field's {@code connect.name} property.
 *
 * <p>Types: int8, int16, int32 as int; int64 as long; Connect Timestamp as timestamp-millis, Date as date, Time as
 * time-millis, Decimal as bytes with the decimal logical type; arrays; maps with string keys as maps, other maps as
 * arrays of key/value records; structs as records. Every field is a union with null, default null.
 */
public final class AvroRows {

    private final org.apache.kafka.connect.data.Schema rowSchema;
    private final Schema avroSchema;
    private final List<RecordColumn> columns;
    private final int valueFields;
    /** The row schema's fields, by position. */
    private final Field[] rowFields;
    /** True when the row is the single {@value RowSchemas#VALUE_FIELD} column a value that is not a struct or map fills. */
    private final boolean singleValueColumn;
    /** The struct schema of the last value converted, and where each row field is in it (null: absent). */
    private org.apache.kafka.connect.data.Schema lastValueSchema;
    private Field[] lastValueFields;
    private int recordNames;

    public AvroRows(org.apache.kafka.connect.data.Schema rowSchema, Set<RecordColumn> columns, String prefix) {
        this.rowSchema = rowSchema;
        this.columns = List.copyOf(columns);
        List<Schema.Field> fields = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Field field : rowSchema.fields()) {
            fields.add(avroField(field.name(), avro(field.schema()), names));
        }
        this.valueFields = fields.size();
        this.rowFields = rowSchema.fields().toArray(new Field[0]);
        this.singleValueColumn = rowFields.length == 1 && rowSchema.field(RowSchemas.VALUE_FIELD) != null;
        for (RecordColumn column : this.columns) {
            String name = prefix + column.column();
            if (names.contains(name)) {
                throw new DataException("the metadata column " + name + " clashes with a value field; change " + DataLakeSinkConfig.COLUMNS_PREFIX_CONFIG);
            }
            Schema type = switch (column) {
                case TOPIC, KEY -> Schema.create(Schema.Type.STRING);
                case PARTITION -> Schema.create(Schema.Type.INT);
                case OFFSET -> Schema.create(Schema.Type.LONG);
                case TIMESTAMP -> LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
                case HEADERS -> Schema.createMap(nullable(Schema.create(Schema.Type.STRING)));
            };
            fields.add(avroField(name, nullable(type), names));
        }
        String name = rowSchema.name() == null ? "row" : AvroNames.name(rowSchema.name());
        this.avroSchema = Schema.createRecord(name, null, null, false, fields);
    }

    public org.apache.kafka.connect.data.Schema rowSchema() {
        return rowSchema;
    }

    public Schema avroSchema() {
        return avroSchema;
    }

    /**
     * The record as a row. Its value must {@link RowSchemas#fits fit} the row schema (a struct, a map, or a single
     * value for the {@value RowSchemas#VALUE_FIELD} column; null writes nulls).
     */
    public GenericRecord toRow(SinkRecord record) {
        GenericData.Record row = new GenericData.Record(avroSchema);
        Object value = record.value();
        List<Schema.Field> fields = avroSchema.getFields();
        if (value instanceof Struct struct) {
            // Values of one schema come in streams: find the row fields in it once, not by name per record.
            Field[] valueFields = fieldsIn(struct.schema());
            for (int i = 0; i < this.valueFields; i++) {
                Field field = valueFields[i];
                row.put(i, field == null ? null : convert(struct.get(field), rowFields[i].schema(), fields.get(i).schema()));
            }
        } else {
            boolean wrapped = singleValueColumn && !(value instanceof Map);
            for (int i = 0; i < this.valueFields; i++) {
                Field field = rowFields[i];
                Object fieldValue = wrapped ? value : get(value, field.name());
                row.put(i, convert(fieldValue, field.schema(), fields.get(i).schema()));
            }
        }
        for (int c = 0; c < columns.size(); c++) {
            row.put(valueFields + c, metadata(columns.get(c), record));
        }
        return row;
    }

    /** Where each row field is in a struct of {@code valueSchema}; null where it is absent. */
    private Field[] fieldsIn(org.apache.kafka.connect.data.Schema valueSchema) {
        // A SchemaBuilder can still change; every other Connect schema is immutable.
        if (valueSchema != lastValueSchema || valueSchema instanceof org.apache.kafka.connect.data.SchemaBuilder) {
            Field[] found = new Field[valueFields];
            for (int i = 0; i < valueFields; i++) {
                found[i] = valueSchema.field(rowFields[i].name());
            }
            lastValueFields = found;
            lastValueSchema = valueSchema;
        }
        return lastValueFields;
    }

    private static Object get(Object container, String name) {
        if (container instanceof Struct struct) {
            Field field = struct.schema().field(name);
            return field == null ? null : struct.get(field);
        }
        if (container instanceof Map<?, ?> map) {
            return map.get(name);
        }
        return null;
    }

    private static Object metadata(RecordColumn column, SinkRecord record) {
        return switch (column) {
            case TOPIC -> record.topic();
            case PARTITION -> record.kafkaPartition();
            case OFFSET -> record.kafkaOffset();
            case TIMESTAMP -> record.timestamp();
            case KEY -> record.key() == null ? null : Values.convertToString(record.keySchema(), record.key());
            case HEADERS -> {
                Map<String, String> headers = new LinkedHashMap<>();
                for (Header header : record.headers()) {
                    headers.put(header.key(), header.value() == null ? null : Values.convertToString(header.schema(), header.value()));
                }
                yield headers;
            }
        };
    }

    // ---- schema ----

    private Schema avro(org.apache.kafka.connect.data.Schema schema) {
        return nullable(avroType(schema));
    }

    private Schema avroType(org.apache.kafka.connect.data.Schema schema) {
        String logical = schema.name();
        switch (schema.type()) {
            case INT8:
            case INT16:
                return Schema.create(Schema.Type.INT);
            case INT32:
                if (Date.LOGICAL_NAME.equals(logical)) {
                    return LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
                }
                if (Time.LOGICAL_NAME.equals(logical)) {
                    return LogicalTypes.timeMillis().addToSchema(Schema.create(Schema.Type.INT));
                }
                return Schema.create(Schema.Type.INT);
            case INT64:
                if (Timestamp.LOGICAL_NAME.equals(logical)) {
                    return LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
                }
                return Schema.create(Schema.Type.LONG);
            case FLOAT32:
                return Schema.create(Schema.Type.FLOAT);
            case FLOAT64:
                return Schema.create(Schema.Type.DOUBLE);
            case BOOLEAN:
                return Schema.create(Schema.Type.BOOLEAN);
            case STRING:
                return Schema.create(Schema.Type.STRING);
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                    String precision = schema.parameters().get("connect.decimal.precision");
                    int digits = precision == null ? 38 : Math.max(Integer.parseInt(precision), scale);
                    return LogicalTypes.decimal(Math.max(digits, 1), scale).addToSchema(Schema.create(Schema.Type.BYTES));
                }
                return Schema.create(Schema.Type.BYTES);
            case ARRAY:
                return Schema.createArray(avro(schema.valueSchema()));
            case MAP:
                if (schema.keySchema().type() == org.apache.kafka.connect.data.Schema.Type.STRING) {
                    return Schema.createMap(avro(schema.valueSchema()));
                }
                List<Schema.Field> entry = List.of(new Schema.Field("key", avro(schema.keySchema()), null, JsonProperties.NULL_VALUE),
                        new Schema.Field("value", avro(schema.valueSchema()), null, JsonProperties.NULL_VALUE));
                return Schema.createArray(Schema.createRecord("entry" + (++recordNames), null, null, false, entry));
            case STRUCT: {
                List<Schema.Field> fields = new ArrayList<>();
                Set<String> names = new HashSet<>();
                for (Field field : schema.fields()) {
                    fields.add(avroField(field.name(), avro(field.schema()), names));
                }
                String base = schema.name() == null ? "struct" : AvroNames.name(schema.name());
                return Schema.createRecord(base + "_" + (++recordNames), null, null, false, fields);
            }
            default:
                throw new DataException("Connect type " + schema.type() + " has no Avro type");
        }
    }

    private static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }

    private static Schema.Field avroField(String original, Schema type, Set<String> taken) {
        String name = AvroNames.name(original);
        String candidate = name;
        for (int n = 2; taken.contains(candidate); n++) {
            candidate = name + "_" + n;
        }
        taken.add(candidate);
        Schema.Field field = new Schema.Field(candidate, type, null, type.getType() == Schema.Type.UNION ? JsonProperties.NULL_VALUE : null);
        if (!candidate.equals(original)) {
            field.addProp("connect.name", original);
        }
        return field;
    }

    // ---- values ----

    private static Object convert(Object value, org.apache.kafka.connect.data.Schema schema, Schema avro) {
        if (value == null) {
            return null;
        }
        Schema type = avro.getType() == Schema.Type.UNION ? avro.getTypes().get(1) : avro;
        String logical = schema.name();
        switch (schema.type()) {
            case INT8:
            case INT16:
            case INT32:
                if (value instanceof java.util.Date date) {
                    if (Date.LOGICAL_NAME.equals(logical)) {
                        return (int) TimeUnit.MILLISECONDS.toDays(date.getTime());
                    }
                    return (int) Math.floorMod(date.getTime(), TimeUnit.DAYS.toMillis(1));
                }
                return value instanceof Integer ? value : number(value).intValue();
            case INT64:
                if (value instanceof java.util.Date date) {
                    return date.getTime();
                }
                return value instanceof Long ? value : number(value).longValue();
            case FLOAT32:
                return value instanceof Float ? value : number(value).floatValue();
            case FLOAT64:
                return value instanceof Double ? value : number(value).doubleValue();
            case BOOLEAN:
                return value;
            case STRING:
                return value instanceof String ? value : value.toString();
            case BYTES:
                if (value instanceof BigDecimal decimal) {
                    int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
                    return ByteBuffer.wrap(decimal.setScale(scale).unscaledValue().toByteArray());
                }
                return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
            case ARRAY: {
                List<?> list = (List<?>) value;
                List<Object> converted = new ArrayList<>(list.size());
                for (Object element : list) {
                    converted.add(convert(element, schema.valueSchema(), type.getElementType()));
                }
                return converted;
            }
            case MAP: {
                Map<?, ?> map = (Map<?, ?>) value;
                if (type.getType() == Schema.Type.MAP) {
                    Map<String, Object> converted = new HashMap<>(map.size() * 2);
                    map.forEach((k, v) -> converted.put(String.valueOf(k), convert(v, schema.valueSchema(), type.getValueType())));
                    return converted;
                }
                Schema entry = type.getElementType();
                List<Object> entries = new ArrayList<>(map.size());
                map.forEach((k, v) -> {
                    GenericData.Record pair = new GenericData.Record(entry);
                    pair.put(0, convert(k, schema.keySchema(), entry.getFields().get(0).schema()));
                    pair.put(1, convert(v, schema.valueSchema(), entry.getFields().get(1).schema()));
                    entries.add(pair);
                });
                return entries;
            }
            case STRUCT: {
                GenericData.Record record = new GenericData.Record(type);
                List<Schema.Field> fields = type.getFields();
                List<Field> schemaFields = schema.fields();
                for (int i = 0; i < fields.size(); i++) {
                    Field field = schemaFields.get(i);
                    record.put(i, convert(nested(value, field, i), field.schema(), fields.get(i).schema()));
                }
                return record;
            }
            default:
                throw new DataException("Connect type " + schema.type() + " has no Avro type");
        }
    }

    /** A nested field's value: by position when the struct has the row schema's field order, as it usually does. */
    private static Object nested(Object container, Field field, int position) {
        if (container instanceof Struct struct) {
            List<Field> fields = struct.schema().fields();
            if (position < fields.size() && fields.get(position).name().equals(field.name())) {
                return struct.get(fields.get(position));
            }
        }
        return get(container, field.name());
    }

    private static Number number(Object value) {
        if (value instanceof Number number) {
            return number;
        }
        throw new DataException("expected a number, got a " + value.getClass().getSimpleName());
    }
}
