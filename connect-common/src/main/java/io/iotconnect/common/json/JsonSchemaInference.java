package io.iotconnect.common.json;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed JSON into a Connect value with a schema inferred from the document.
 *
 * <p>Rules: an object becomes a {@link Struct} whose fields keep the document's order, all optional; a JSON null
 * field is left out of the schema (an optional field reads as null either way); integers become INT64 and other
 * numbers FLOAT64 (or all FLOAT64, see {@link JsonPayloadParser.NumberMode}); an array takes its elements' one type,
 * and an empty or all-null array becomes an array of optional strings. The top-level value is required. A field with
 * an empty name, valid JSON, has no Connect form: the document is malformed for a struct.
 *
 * <p>Schemas are cached per document shape in a bounded LRU, so steady traffic allocates no schemas. One instance per
 * task: it is not thread-safe.
 */
public final class JsonSchemaInference {

    private final Cache<String, Schema> schemasByShape;

    public JsonSchemaInference(int cacheSize) {
        this.schemasByShape = new LRUCache<>(cacheSize);
    }

    /**
     * The value as a Connect value with its (cached) inferred schema. {@code parsed} must carry a shape.
     *
     * @throws MalformedPayloadException when the document cannot be a Connect value (a field with an empty name)
     */
    public SchemaAndValue toConnect(ParsedJson parsed) {
        if (parsed.value() == null) {
            return new SchemaAndValue(null, null);
        }
        Schema schema = schemasByShape.get(parsed.shape());
        if (schema == null) {
            schema = infer(parsed.value(), false);
            schemasByShape.put(parsed.shape(), schema);
        }
        return new SchemaAndValue(schema, convert(schema, parsed.value()));
    }

    /** Number of distinct shapes currently cached. */
    public long cachedShapes() {
        return schemasByShape.size();
    }

    static Schema infer(Object value, boolean optional) {
        SchemaBuilder builder;
        if (value instanceof Map<?, ?> object) {
            builder = SchemaBuilder.struct();
            for (Map.Entry<?, ?> field : object.entrySet()) {
                if (field.getValue() != null) {
                    String name = (String) field.getKey();
                    if (name.isEmpty()) {
                        // Valid JSON, but a Connect struct field needs a name; a schemaless map can hold it.
                        throw new MalformedPayloadException("an object has a field named \"\" (empty), which a struct cannot "
                                + "hold; such payloads can be kept as schemaless maps", -1, -1, -1);
                    }
                    builder.field(name, infer(field.getValue(), true));
                }
            }
        } else if (value instanceof List<?> array) {
            Object sample = null;
            for (Object element : array) {
                if (element != null) {
                    sample = element;
                    break;
                }
            }
            Schema elementSchema = sample == null ? Schema.OPTIONAL_STRING_SCHEMA : infer(sample, true);
            builder = SchemaBuilder.array(elementSchema);
        } else if (value instanceof String) {
            builder = SchemaBuilder.string();
        } else if (value instanceof Long) {
            builder = SchemaBuilder.int64();
        } else if (value instanceof Double) {
            builder = SchemaBuilder.float64();
        } else if (value instanceof Boolean) {
            builder = SchemaBuilder.bool();
        } else {
            throw new IllegalArgumentException("not a parsed JSON value: " + value.getClass().getName());
        }
        return optional ? builder.optional().build() : builder.build();
    }

    static Object convert(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        switch (schema.type()) {
            case STRUCT: {
                Struct struct = new Struct(schema);
                Map<?, ?> object = (Map<?, ?>) value;
                for (org.apache.kafka.connect.data.Field field : schema.fields()) {
                    Object fieldValue = object.get(field.name());
                    if (fieldValue != null) {
                        struct.put(field, convert(field.schema(), fieldValue));
                    }
                }
                return struct;
            }
            case ARRAY: {
                List<?> array = (List<?>) value;
                Schema elementSchema = schema.valueSchema();
                if (elementSchema.type() != Schema.Type.STRUCT && elementSchema.type() != Schema.Type.ARRAY) {
                    return array;
                }
                List<Object> converted = new ArrayList<>(array.size());
                for (Object element : array) {
                    converted.add(convert(elementSchema, element));
                }
                return converted;
            }
            default:
                return value;
        }
    }
}
