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
 * <p>{@link SchemaScope#TOPIC} gives each Kafka topic one schema that only grows, for a schema registry: the union of
 * every field any payload on the topic brought, sorted by name (so two tasks that saw the same fields build the same
 * schema, whatever order payloads came in), every field optional, none ever removed. A payload that brings nothing
 * new gets the topic's current schema (a missing field reads as null), so a registry sees a new version only when a
 * field first appears or, with {@link NumberDrift#WIDEN}, an integer field first receives a fraction and becomes
 * FLOAT64 (its integers are then written as doubles). Each such change is compatible under a registry's BACKWARD rule:
 * added fields are optional with a null default, and Avro promotes long to double. A value of another type where the
 * schema has one (a string where numbers were, an object where a string was), or a fraction in an integer field under
 * {@link NumberDrift#ROUTE}, makes the document malformed with the path and both types, and the schema stays as it
 * was. An empty array in a field not yet known is left out until an element tells its type. A payload that is not a
 * JSON object (a bare number, a string, an array) is malformed: the topic's schema is a record. The schema lives in this
 * instance: a restarted task starts again from the payloads it sees. That adds no incompatible version as long as
 * numbers are all FLOAT64 ({@link JsonPayloadParser.NumberMode#FLOAT64}) and no device changes a field's JSON type
 * (such a payload is malformed only while a schema that knows the old type lives); with integers inferred, a restart
 * can bring back an int64 field that a registry already holds as a double, which BACKWARD refuses.
 *
 * <p>Schemas are cached per document shape in a bounded LRU, and per topic as well when the name depends on it, so
 * steady traffic allocates no schemas; with {@link SchemaScope#TOPIC}, per topic (the shapes each topic's schema is
 * known to hold are remembered, so a merge runs only for a shape not seen yet). One instance per task: it is not
 * thread-safe.
 */
public final class JsonSchemaInference {

    /** How JSON keys become field names. */
    public enum FieldNames {
        /** As written in the document. */
        KEEP,
        /** Made valid Avro names, originals kept in the struct's parameters. */
        AVRO
    }

    /** How many schemas a topic's records get. */
    public enum SchemaScope {
        /** One schema per payload shape, exactly as the document is written. */
        SHAPE,
        /** One schema per Kafka topic that only grows: every field any payload brought, sorted by name, all optional. */
        TOPIC
    }

    /** With {@link SchemaScope#TOPIC}: what a fraction does in a field that so far held only integers. */
    public enum NumberDrift {
        /** The field becomes FLOAT64 (Avro promotes long to double, so the new schema reads the old data). */
        WIDEN,
        /** The document is malformed, naming the field and the number; the field stays INT64. */
        ROUTE
    }

    /**
     * What a source configured (see {@code JsonSchemaConfigs}).
     *
     * @param schemaName names the structs, or null for unnamed structs
     */
    public record Settings(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName, SchemaScope scope,
                           NumberDrift numberDrift, int maxTopicFields, String maxTopicFieldsKey) {

        /** Settings without a bound on a topic's fields beyond the default. */
        public Settings(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName, SchemaScope scope,
                        NumberDrift numberDrift) {
            this(cacheSize, fieldNames, schemaName, scope, numberDrift, MAX_TOPIC_FIELDS_DEFAULT, "value.json.max.topic.fields");
        }
    }

    /** Distinct field paths the payloads of one topic may bring over a task's life, by default. */
    public static final int MAX_TOPIC_FIELDS_DEFAULT = 1000;

    /** Struct parameter prefix whose value AvroData makes the Avro doc of the field named after the prefix. */
    public static final String FIELD_DOC_PARAMETER_PREFIX = "io.confluent.connect.avro.field.doc.";

    /** Struct parameter prefix whose value is the JSON key of the field named after the prefix (only where they differ). */
    public static final String JSON_NAME_PARAMETER_PREFIX = "iotconnect.json.name.";

    /**
     * The JSON key a source recorded for a field of {@code struct} it renamed ({@value #JSON_NAME_PARAMETER_PREFIX}),
     * else the field's name: what a sink writes to give a record's fields back the names the device sent.
     */
    public static String jsonName(Schema struct, String fieldName) {
        Map<String, String> parameters = struct.parameters();
        String key = parameters == null ? null : parameters.get(JSON_NAME_PARAMETER_PREFIX + fieldName);
        return key == null ? fieldName : key;
    }

    /** Keyed by the shape, or by a {@link TopicShape} when the schema name depends on the topic. */
    private final Cache<Object, Schema> schemasByShape;

    /** A shape on one topic: no string is built per record to key it. */
    private record TopicShape(String topic, Object shapeKey) {
    }
    private final FieldNames fieldNames;
    private final SchemaNameTemplate schemaName;
    private final SchemaScope scope;

    /** With {@link SchemaScope#TOPIC}: each topic's one growing schema; null otherwise. */
    private final TopicSchemas topicSchemas;

    /** The distinct fields each topic's payloads brought, bounded. */
    private final TopicFields topicFields;

    /** Unnamed structs with the document's field names. */
    public JsonSchemaInference(int cacheSize) {
        this(cacheSize, FieldNames.KEEP, null);
    }

    /**
     * One schema per shape.
     *
     * @param schemaName names the structs, or null for unnamed structs
     */
    public JsonSchemaInference(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName) {
        this(cacheSize, fieldNames, schemaName, SchemaScope.SHAPE, NumberDrift.WIDEN);
    }

    public JsonSchemaInference(Settings settings) {
        this(settings.cacheSize(), settings.fieldNames(), settings.schemaName(), settings.scope(), settings.numberDrift(),
                settings.maxTopicFields(), settings.maxTopicFieldsKey());
    }

    /**
     * @param schemaName  names the structs, or null for unnamed structs
     * @param numberDrift used only with {@link SchemaScope#TOPIC}
     */
    public JsonSchemaInference(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName, SchemaScope scope,
                               NumberDrift numberDrift) {
        this(cacheSize, fieldNames, schemaName, scope, numberDrift, MAX_TOPIC_FIELDS_DEFAULT, "value.json.max.topic.fields");
    }

    private JsonSchemaInference(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName, SchemaScope scope,
                                NumberDrift numberDrift, int maxTopicFields, String maxTopicFieldsKey) {
        this.schemasByShape = new LRUCache<>(cacheSize);
        this.topicFields = new TopicFields(maxTopicFields, maxTopicFieldsKey, cacheSize);
        this.fieldNames = Objects.requireNonNull(fieldNames, "fieldNames");
        this.schemaName = schemaName;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.topicSchemas = scope == SchemaScope.TOPIC
                ? new TopicSchemas(cacheSize, fieldNames, Objects.requireNonNull(numberDrift, "numberDrift")) : null;
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
        Object shapeKey = parsed.shapeKey();
        if (topicSchemas != null) {
            return topicSchemas.toConnect(parsed, shapeKey, topic, schemaName, topicFields);
        }
        Object cacheKey = perTopic ? new TopicShape(topic, shapeKey) : shapeKey;
        Schema schema = schemasByShape.get(cacheKey);
        if (schema == null) {
            topicFields.admit(topic, parsed.value());
            schema = infer(parsed.value(), false, schemaName == null ? null : schemaName.resolve(topic), fieldNames);
            schemasByShape.put(cacheKey, schema);
        }
        return new SchemaAndValue(schema, convert(schema, parsed.value()));
    }

    /**
     * Number of schemas currently cached: distinct shapes (per topic, when names depend on it) or, with
     * {@link SchemaScope#TOPIC}, topics.
     */
    public long cachedShapes() {
        return topicSchemas != null ? topicSchemas.size() : schemasByShape.size();
    }

    /** With {@link SchemaScope#TOPIC}: how many times a topic's schema has changed (its first schema included). */
    public long schemaChanges() {
        return topicSchemas == null ? 0 : topicSchemas.changes();
    }

    static Object firstNonNull(List<?> array) {
        for (Object element : array) {
            if (element != null) {
                return element;
            }
        }
        return null;
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
                            throw sameAvroName(clash, key, fieldName);
                        }
                        if (!fieldName.equals(key)) {
                            builder.parameter(FIELD_DOC_PARAMETER_PREFIX + fieldName, "JSON name: " + key);
                            builder.parameter(JSON_NAME_PARAMETER_PREFIX + fieldName, key);
                        }
                    } else if (key.isEmpty()) {
                        // Valid JSON, but a Connect struct field needs a name; a schemaless map can hold it.
                        throw emptyName();
                    }
                    String childName = name == null ? null : name + "." + AvroNames.name(key);
                    builder.field(fieldName, infer(field.getValue(), true, childName, fieldNames));
                }
            }
        } else if (value instanceof List<?> array) {
            Object sample = firstNonNull(array);
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

    static MalformedPayloadException emptyName() {
        return new MalformedPayloadException("an object has a field named \"\" (empty), which a struct cannot hold; such "
                + "payloads can be kept as schemaless maps", -1, -1, -1);
    }

    static MalformedPayloadException sameAvroName(String first, String second, String avroName) {
        return new MalformedPayloadException("an object has the fields " + quote(first) + " and " + quote(second)
                + ", which both become the Avro name " + avroName + "; a struct cannot hold both", -1, -1, -1);
    }

    static String quote(String key) {
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
                for (org.apache.kafka.connect.data.Field field : schema.fields()) {
                    Object fieldValue = object.get(jsonName(schema, field.name()));
                    if (fieldValue != null) {
                        struct.put(field, convert(field.schema(), fieldValue));
                    }
                }
                return struct;
            }
            case ARRAY: {
                List<?> array = (List<?>) value;
                Schema elementSchema = schema.valueSchema();
                Schema.Type elementType = elementSchema.type();
                if (elementType != Schema.Type.STRUCT && elementType != Schema.Type.ARRAY
                        && !(elementType == Schema.Type.FLOAT64 && firstNonNull(array) instanceof Long)) {
                    return array;
                }
                List<Object> converted = new ArrayList<>(array.size());
                for (Object element : array) {
                    converted.add(convert(elementSchema, element));
                }
                return converted;
            }
            case FLOAT64:
                // An integer (or, above, integers: an array's elements share one type) where a topic's schema widened. in a field a topic's schema widened.
                return value instanceof Long integer ? (Object) integer.doubleValue() : value;
            default:
                return value;
        }
    }
}
