package io.iotconnect.datalake.format;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The Connect schema of a file's rows, and how a record's value relates to it. A file's schema is a struct whose
 * fields are all optional (a row may lack any of them), so a record fits a file when each of its fields is in the
 * file with the same type, or a type the file's widens to (an integer into a double). A record that does not fit
 * starts a new file whose schema is the {@link #merge merge} of both, so a device whose payload drifts back and forth
 * costs one new file, not one per change.
 *
 * <p>Values without a schema (maps, lists, numbers from a schemaless converter) get a schema {@link #infer inferred}
 * from the value: keys sorted, integers as INT64, other numbers as FLOAT64, a null field left out. A value that is not
 * a struct or map is one column, {@value #VALUE_FIELD}.
 */
public final class RowSchemas {

    /** The column of a value that is not a struct or map. */
    public static final String VALUE_FIELD = "value";

    private RowSchemas() {
    }

    /**
     * The row schema of a value with its Connect schema (null for a schemaless value): all fields optional, and a
     * non-struct value wrapped in a struct of one field.
     */
    public static Schema rowSchemaOf(Schema valueSchema, Object value) {
        Schema schema = valueSchema != null ? valueSchema : infer(value);
        if (schema == null) {
            return SchemaBuilder.struct().optional().build();
        }
        if (schema.type() != Schema.Type.STRUCT) {
            return SchemaBuilder.struct().optional().field(VALUE_FIELD, optional(schema)).build();
        }
        return optional(schema);
    }

    /** A schema for a schemaless value, or null for null (a field holding null is left out). */
    static Schema infer(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map) {
            SchemaBuilder struct = SchemaBuilder.struct().optional();
            TreeMap<String, Object> sorted = new TreeMap<>();
            map.forEach((key, field) -> sorted.put(String.valueOf(key), field));
            sorted.forEach((name, field) -> {
                Schema fieldSchema = infer(field);
                if (fieldSchema != null) {
                    struct.field(name, fieldSchema);
                }
            });
            return struct.build();
        }
        if (value instanceof List<?> list) {
            Schema element = null;
            for (Object item : list) {
                Schema itemSchema = infer(item);
                if (itemSchema != null) {
                    element = element == null ? itemSchema : merge(element, itemSchema);
                    if (element == null) {
                        element = Schema.OPTIONAL_STRING_SCHEMA;
                        break;
                    }
                }
            }
            return SchemaBuilder.array(element == null ? Schema.OPTIONAL_STRING_SCHEMA : element).optional().build();
        }
        if (value instanceof Struct struct) {
            return optional(struct.schema());
        }
        if (value instanceof Boolean) {
            return Schema.OPTIONAL_BOOLEAN_SCHEMA;
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return Schema.OPTIONAL_INT64_SCHEMA;
        }
        if (value instanceof Number) {
            return value instanceof BigDecimal decimal ? Decimal.builder(decimal.scale()).optional().build()
                    : Schema.OPTIONAL_FLOAT64_SCHEMA;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return Schema.OPTIONAL_BYTES_SCHEMA;
        }
        if (value instanceof java.util.Date) {
            return Timestamp.builder().optional().build();
        }
        return Schema.OPTIONAL_STRING_SCHEMA;
    }

    /** The schema with every field, element and value optional, recursively; names and logical types kept. */
    public static Schema optional(Schema schema) {
        switch (schema.type()) {
            case STRUCT: {
                SchemaBuilder struct = SchemaBuilder.struct().optional();
                if (schema.name() != null) {
                    struct.name(schema.name());
                }
                for (Field field : schema.fields()) {
                    struct.field(field.name(), optional(field.schema()));
                }
                return struct.build();
            }
            case ARRAY:
                return SchemaBuilder.array(optional(schema.valueSchema())).optional().build();
            case MAP:
                return SchemaBuilder.map(optional(schema.keySchema()), optional(schema.valueSchema())).optional().build();
            default:
                if (schema.isOptional()) {
                    return schema;
                }
                SchemaBuilder builder = new SchemaBuilder(schema.type()).optional();
                if (schema.name() != null) {
                    builder.name(schema.name());
                }
                if (schema.version() != null) {
                    builder.version(schema.version());
                }
                if (schema.parameters() != null) {
                    builder.parameters(schema.parameters());
                }
                return builder.build();
        }
    }

    /** True when every value of {@code record} can be written as {@code file} without loss. */
    public static boolean fits(Schema record, Schema file) {
        if (record.type() == Schema.Type.STRUCT && file.type() == Schema.Type.STRUCT) {
            for (Field field : record.fields()) {
                Field target = file.field(field.name());
                if (target == null || !fits(field.schema(), target.schema())) {
                    return false;
                }
            }
            return true;
        }
        if (record.type() == Schema.Type.ARRAY && file.type() == Schema.Type.ARRAY) {
            return fits(record.valueSchema(), file.valueSchema());
        }
        if (record.type() == Schema.Type.MAP && file.type() == Schema.Type.MAP) {
            return fits(record.keySchema(), file.keySchema()) && fits(record.valueSchema(), file.valueSchema());
        }
        if (!Objects.equals(record.name(), file.name())) {
            return false;
        }
        if (record.type() == file.type()) {
            return !Decimal.LOGICAL_NAME.equals(record.name()) || Objects.equals(record.parameters(), file.parameters());
        }
        return record.name() == null && isInteger(record.type()) && (isInteger(file.type()) && width(record.type()) <= width(file.type())
                || file.type() == Schema.Type.FLOAT64);
    }

    /**
     * A schema both fit into (fields of both, numbers widened), or null when a field has types that do not mix (a
     * string and a number, say): then the record starts a file of its own schema.
     */
    public static Schema merge(Schema a, Schema b) {
        if (fits(b, a)) {
            return a;
        }
        if (fits(a, b)) {
            return b;
        }
        if (a.type() == Schema.Type.STRUCT && b.type() == Schema.Type.STRUCT) {
            SchemaBuilder struct = SchemaBuilder.struct().optional();
            if (a.name() != null) {
                struct.name(a.name());
            }
            List<String> seen = new ArrayList<>();
            for (Field field : a.fields()) {
                Field other = b.field(field.name());
                Schema merged = other == null ? field.schema() : merge(field.schema(), other.schema());
                if (merged == null) {
                    return null;
                }
                struct.field(field.name(), merged);
                seen.add(field.name());
            }
            for (Field field : b.fields()) {
                if (!seen.contains(field.name())) {
                    struct.field(field.name(), field.schema());
                }
            }
            return struct.build();
        }
        if (a.type() == Schema.Type.ARRAY && b.type() == Schema.Type.ARRAY) {
            Schema element = merge(a.valueSchema(), b.valueSchema());
            return element == null ? null : SchemaBuilder.array(element).optional().build();
        }
        if (a.type() == Schema.Type.MAP && b.type() == Schema.Type.MAP) {
            Schema key = merge(a.keySchema(), b.keySchema());
            Schema value = merge(a.valueSchema(), b.valueSchema());
            return key == null || value == null ? null : SchemaBuilder.map(key, value).optional().build();
        }
        boolean numbers = a.name() == null && b.name() == null && isNumber(a.type()) && isNumber(b.type());
        return numbers ? Schema.OPTIONAL_FLOAT64_SCHEMA : null;
    }

    private static boolean isInteger(Schema.Type type) {
        return type == Schema.Type.INT8 || type == Schema.Type.INT16 || type == Schema.Type.INT32 || type == Schema.Type.INT64;
    }

    private static boolean isNumber(Schema.Type type) {
        return isInteger(type) || type == Schema.Type.FLOAT32 || type == Schema.Type.FLOAT64;
    }

    private static int width(Schema.Type type) {
        return switch (type) {
            case INT8 -> 1;
            case INT16 -> 2;
            case INT32 -> 4;
            default -> 8;
        };
    }
}
