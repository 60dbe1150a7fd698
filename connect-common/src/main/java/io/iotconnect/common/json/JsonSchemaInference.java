package io.iotconnect.common.json;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns parsed JSON into a Connect value with a schema inferred from the document.
 *
 * <p>Rules: an object becomes a {@link Struct} whose fields keep the document's order, all optional; a JSON null
 * field is left out of the schema (an optional field reads as null either way); integers become INT64 and other
 * numbers FLOAT64 (or all FLOAT64, see {@link JsonPayloadParser.NumberMode}); an array takes its elements' one type,
 * and an empty or all-null array becomes an array of optional strings. The top-level value is required. A field with
 * an empty name, valid JSON, has no Connect form: the document is malformed for a struct (unless names are made
 * Avro names, which turns it into {@code _}).
 *
 * <p>Two options make the schemas valid Avro for a schema registry (both off by default, which keeps the schemas
 * exactly as they were):
 * <ul>
 *   <li>{@link FieldNames#AVRO}: every field name becomes an {@link AvroNames#name Avro name}. A struct whose field
 *   names changed records each original in two parameters, only for the names that changed, so the schemas of clean
 *   payloads stay as they were: {@value #FIELD_DOC_PARAMETER_PREFIX}{@code <name>} = {@code JSON name: <original>}
 *   (Confluent's and Apicurio's AvroData make it the Avro field's doc) and {@value #JSON_NAME_PARAMETER_PREFIX}{@code
 *   <name>} = the original. Two fields of one object that become the same name ({@code temp-c}, {@code temp_c}) make
 *   the document malformed.</li>
 *   <li>A {@link SchemaNameTemplate}: the top-level struct is named from the template and the record's Kafka topic,
 *   and every nested struct after its field path below it ({@code <top>.location}, the elements of an array field
 *   {@code <top>.samples}, path segments as Avro names), so a struct's name depends neither on which other fields a
 *   payload has nor on the order the schema is visited in. Without a template structs are unnamed.</li>
 * </ul>
 *
 * <p>Schemas are cached per document shape in a bounded LRU, and per topic as well when the name depends on it, so
 * steady traffic allocates no schemas. One instance per task: it is not thread-safe.
 */
public final class JsonSchemaInference {

    /** How JSON keys become field names. */
    public enum FieldNames {
        /** As written in the document. */
        KEEP,
        /** Made valid Avro names, originals kept in the struct's parameters. */
        AVRO
    }

    /** Struct parameter prefix whose value AvroData makes the Avro doc of the field named after the prefix. */
    public static final String FIELD_DOC_PARAMETER_PREFIX = "io.confluent.connect.avro.field.doc.";

    /** Struct parameter prefix whose value is the JSON key of the field named after the prefix (only where they differ). */
    public static final String JSON_NAME_PARAMETER_PREFIX = "iotconnect.json.name.";

    /** Keyed by the shape, or by a {@link TopicShape} when the schema name depends on the topic. */
    private final Cache<Object, Schema> schemasByShape;

    /** A shape on one topic: no string is built per record to key it (both strings cache their hashes). */
    private record TopicShape(String topic, String shape) {
    }
    private final FieldNames fieldNames;
    private final SchemaNameTemplate schemaName;

    /** Unnamed structs with the document's field names. */
    public JsonSchemaInference(int cacheSize) {
        this(cacheSize, FieldNames.KEEP, null);
    }

    /**
     * @param schemaName names the structs, or null for unnamed structs
     */
    public JsonSchemaInference(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName) {
        this.schemasByShape = new LRUCache<>(cacheSize);
        this.fieldNames = Objects.requireNonNull(fieldNames, "fieldNames");
        this.schemaName = schemaName;
    }

    /** {@link #toConnect(ParsedJson, String)} without a topic, for a schema name that does not depend on one. */
    public SchemaAndValue toConnect(ParsedJson parsed) {
        return toConnect(parsed, null);
    }

    /**
     * The value as a Connect value with its (cached) inferred schema. {@code parsed} must carry a shape.
     *
     * @param topic the Kafka topic the record goes to, which the schema name may depend on
     * @throws MalformedPayloadException when the document cannot be a Connect value (a field with an empty name, or
     *                                   two fields of one object with the same Avro name)
     */
    public SchemaAndValue toConnect(ParsedJson parsed, String topic) {
        if (parsed.value() == null) {
            return new SchemaAndValue(null, null);
        }
        boolean perTopic = schemaName != null && schemaName.usesTopic();
        if (perTopic && topic == null) {
            throw new IllegalArgumentException("the schema name template " + schemaName + " needs the record's topic");
        }
        Object cacheKey = perTopic ? new TopicShape(topic, parsed.shape()) : parsed.shape();
        Schema schema = schemasByShape.get(cacheKey);
        if (schema == null) {
            schema = infer(parsed.value(), false, schemaName == null ? null : schemaName.resolve(topic), fieldNames);
            schemasByShape.put(cacheKey, schema);
        }
        return new SchemaAndValue(schema, convert(schema, parsed.value()));
    }

    /** Number of distinct shapes (per topic, when names depend on it) currently cached. */
    public long cachedShapes() {
        return schemasByShape.size();
    }

    static Schema infer(Object value, boolean optional) {
        return infer(value, optional, null, FieldNames.KEEP);
    }

    /**
     * @param name the full name of the struct at this place (of the element struct for an array), or null for unnamed
     */
    static Schema infer(Object value, boolean optional, String name, FieldNames fieldNames) {
        SchemaBuilder builder;
        if (value instanceof Map<?, ?> object) {
            builder = SchemaBuilder.struct();
            if (name != null) {
                builder.name(name);
            }
            Map<String, String> originalsByName = fieldNames == FieldNames.AVRO ? new HashMap<>() : null;
            for (Map.Entry<?, ?> field : object.entrySet()) {
                if (field.getValue() != null) {
                    String key = (String) field.getKey();
                    String fieldName = key;
                    if (fieldNames == FieldNames.AVRO) {
                        fieldName = AvroNames.name(key);
                        String clash = originalsByName.putIfAbsent(fieldName, key);
                        if (clash != null) {
                            throw new MalformedPayloadException("an object has the fields " + quote(clash) + " and "
                                    + quote(key) + ", which both become the Avro name " + fieldName + "; a struct cannot "
                                    + "hold both", -1, -1, -1);
                        }
                        if (!fieldName.equals(key)) {
                            builder.parameter(FIELD_DOC_PARAMETER_PREFIX + fieldName, "JSON name: " + key);
                            builder.parameter(JSON_NAME_PARAMETER_PREFIX + fieldName, key);
                        }
                    } else if (key.isEmpty()) {
                        // Valid JSON, but a Connect struct field needs a name; a schemaless map can hold it.
                        throw new MalformedPayloadException("an object has a field named \"\" (empty), which a struct cannot "
                                + "hold; such payloads can be kept as schemaless maps", -1, -1, -1);
                    }
                    String childName = name == null ? null : name + "." + AvroNames.name(key);
                    builder.field(fieldName, infer(field.getValue(), true, childName, fieldNames));
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
            // Elements are named after the array's own path: an array adds no level to the names below it.
            Schema elementSchema = sample == null ? Schema.OPTIONAL_STRING_SCHEMA : infer(sample, true, name, fieldNames);
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

    private static String quote(String key) {
        return "\"" + key + "\"";
    }

    static Object convert(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        switch (schema.type()) {
            case STRUCT: {
                Struct struct = new Struct(schema);
                Map<?, ?> object = (Map<?, ?>) value;
                Map<String, String> parameters = schema.parameters();
                for (org.apache.kafka.connect.data.Field field : schema.fields()) {
                    String key = parameters == null ? null : parameters.get(JSON_NAME_PARAMETER_PREFIX + field.name());
                    Object fieldValue = object.get(key == null ? field.name() : key);
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
