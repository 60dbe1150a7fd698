package io.iotconnect.common.json;

import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

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
 * was. An empty array in a field not yet known is left out until an element tells its type. The schema lives in this
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
                           NumberDrift numberDrift) {
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
    private final SchemaScope scope;
    private final NumberDrift numberDrift;
    private final int cacheSize;

    /** With {@link SchemaScope#TOPIC}: each topic's schema so far, and the shapes it is known to hold. */
    private final Cache<String, TopicSchema> schemasByTopic;
    private long schemaChanges;

    /** A topic's evolving schema; {@code shapes} is cleared when it reaches the cache size, which only costs a merge. */
    private static final class TopicSchema {
        private Schema schema;
        private final Set<String> shapes = new HashSet<>();
    }

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
        this(settings.cacheSize(), settings.fieldNames(), settings.schemaName(), settings.scope(), settings.numberDrift());
    }

    /**
     * @param schemaName  names the structs, or null for unnamed structs
     * @param numberDrift used only with {@link SchemaScope#TOPIC}
     */
    public JsonSchemaInference(int cacheSize, FieldNames fieldNames, SchemaNameTemplate schemaName, SchemaScope scope,
                               NumberDrift numberDrift) {
        this.cacheSize = cacheSize;
        this.schemasByShape = new LRUCache<>(cacheSize);
        this.schemasByTopic = new LRUCache<>(cacheSize);
        this.fieldNames = Objects.requireNonNull(fieldNames, "fieldNames");
        this.schemaName = schemaName;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.numberDrift = Objects.requireNonNull(numberDrift, "numberDrift");
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
        if (scope == SchemaScope.TOPIC) {
            return toConnectOnTopicSchema(parsed, topic);
        }
        Object cacheKey = perTopic ? new TopicShape(topic, parsed.shape()) : parsed.shape();
        Schema schema = schemasByShape.get(cacheKey);
        if (schema == null) {
            schema = infer(parsed.value(), false, schemaName == null ? null : schemaName.resolve(topic), fieldNames);
            schemasByShape.put(cacheKey, schema);
        }
        return new SchemaAndValue(schema, convert(schema, parsed.value()));
    }

    private SchemaAndValue toConnectOnTopicSchema(ParsedJson parsed, String topic) {
        String key = topic == null ? "" : topic;
        TopicSchema topicSchema = schemasByTopic.get(key);
        if (topicSchema == null) {
            topicSchema = new TopicSchema();
            schemasByTopic.put(key, topicSchema);
        }
        if (!topicSchema.shapes.contains(parsed.shape())) {
            String name = schemaName == null ? null : schemaName.resolve(topic);
            Schema merged = merge(topicSchema.schema, parsed.value(), false, name, "$");
            if (merged == null) {
                // An empty array as the first payload: nothing tells its element type yet, so nothing is kept.
                Schema unknown = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
                return new SchemaAndValue(unknown, convert(unknown, parsed.value()));
            }
            if (merged != topicSchema.schema) {
                topicSchema.schema = merged;
                schemaChanges++;
            }
            if (topicSchema.shapes.size() >= cacheSize) {
                topicSchema.shapes.clear();
            }
            topicSchema.shapes.add(parsed.shape());
        }
        return new SchemaAndValue(topicSchema.schema, convert(topicSchema.schema, parsed.value()));
    }

    /**
     * Number of schemas currently cached: distinct shapes (per topic, when names depend on it) or, with
     * {@link SchemaScope#TOPIC}, topics.
     */
    public long cachedShapes() {
        return scope == SchemaScope.TOPIC ? schemasByTopic.size() : schemasByShape.size();
    }

    /** With {@link SchemaScope#TOPIC}: how many times a topic's schema has changed (its first schema included). */
    public long schemaChanges() {
        return schemaChanges;
    }

    /**
     * {@code current} grown to hold {@code value}: the same instance when it already does, a new schema when the
     * value brings a field or (with {@link NumberDrift#WIDEN}) a fraction where integers were, null when neither
     * tells a type (an empty array where nothing was). Fields come sorted by name, so the schema does not depend on
     * the order payloads arrived in, and every field is optional.
     *
     * @param name the full name of the struct at this place, or null for unnamed
     * @throws MalformedPayloadException when the value cannot be held: another type where the schema has one, a
     *                                   fraction in an integer field under {@link NumberDrift#ROUTE}, two keys with one
     *                                   Avro name
     */
    private Schema merge(Schema current, Object value, boolean optional, String name, String path) {
        if (value instanceof Map<?, ?> object) {
            if (current != null && current.type() != Schema.Type.STRUCT) {
                throw typeConflict(path, current, "an object");
            }
            return mergeStruct(current, object, optional, name, path);
        }
        if (value instanceof List<?> array) {
            if (current != null && current.type() != Schema.Type.ARRAY) {
                throw typeConflict(path, current, "an array");
            }
            Object sample = firstNonNull(array);
            if (sample == null) {
                return current;
            }
            Schema elements = merge(current == null ? null : current.valueSchema(), sample, true, name, path + "[]");
            if (current != null && elements == current.valueSchema()) {
                return current;
            }
            SchemaBuilder builder = SchemaBuilder.array(elements);
            return optional ? builder.optional().build() : builder.build();
        }
        if (value instanceof Double number && current != null && current.type() == Schema.Type.INT64) {
            if (numberDrift == NumberDrift.ROUTE) {
                throw new MalformedPayloadException(path + " has held integers, and this payload has the fraction "
                        + number + " there; number drift is 'route', so the field stays int64 (with 'widen' it "
                        + "would become float64)", -1, -1, -1);
            }
            return current.isOptional() ? Schema.OPTIONAL_FLOAT64_SCHEMA : Schema.FLOAT64_SCHEMA;
        }
        Schema.Type type = primitiveType(value);
        if (current == null) {
            return infer(value, optional);
        }
        if (current.type() == type || (type == Schema.Type.INT64 && current.type() == Schema.Type.FLOAT64)) {
            return current;
        }
        throw typeConflict(path, current, describe(type));
    }

    private Schema mergeStruct(Schema current, Map<?, ?> object, boolean optional, String name, String path) {
        TreeMap<String, Schema> fields = new TreeMap<>();
        Map<String, String> parameters = new HashMap<>();
        if (current != null) {
            for (org.apache.kafka.connect.data.Field field : current.fields()) {
                fields.put(field.name(), field.schema());
            }
            if (current.parameters() != null) {
                parameters.putAll(current.parameters());
            }
        }
        boolean changed = current == null;
        Map<String, String> keysByName = new HashMap<>();
        for (Map.Entry<?, ?> entry : object.entrySet()) {
            if (entry.getValue() == null) {
                continue;
            }
            String key = (String) entry.getKey();
            String fieldName = fieldName(key, keysByName);
            Schema before = fields.get(fieldName);
            if (before != null) {
                String knownKey = parameters.getOrDefault(JSON_NAME_PARAMETER_PREFIX + fieldName, fieldName);
                if (!knownKey.equals(key)) {
                    throw new MalformedPayloadException("the key " + quote(key) + " at " + path + " becomes the Avro "
                            + "name " + fieldName + ", which the topic's schema already gives the key " + quote(knownKey)
                            + "; a struct cannot hold both", -1, -1, -1);
                }
            }
            String childName = name == null ? null : name + "." + AvroNames.name(key);
            Schema after = merge(before, entry.getValue(), true, childName, path + "." + key);
            if (after != null && after != before) {
                fields.put(fieldName, after);
                changed = true;
                if (before == null && !fieldName.equals(key)) {
                    parameters.put(FIELD_DOC_PARAMETER_PREFIX + fieldName, "JSON name: " + key);
                    parameters.put(JSON_NAME_PARAMETER_PREFIX + fieldName, key);
                }
            }
        }
        if (!changed) {
            return current;
        }
        SchemaBuilder builder = SchemaBuilder.struct();
        if (name != null) {
            builder.name(name);
        }
        if (!parameters.isEmpty()) {
            builder.parameters(parameters);
        }
        fields.forEach(builder::field);
        return optional ? builder.optional().build() : builder.build();
    }

    /** A key's field name, refusing an empty one (no Avro names) and two keys of one object with one name. */
    private String fieldName(String key, Map<String, String> keysByName) {
        if (fieldNames == FieldNames.KEEP) {
            if (key.isEmpty()) {
                throw new MalformedPayloadException("an object has a field named \"\" (empty), which a struct cannot "
                        + "hold; such payloads can be kept as schemaless maps", -1, -1, -1);
            }
            return key;
        }
        String fieldName = AvroNames.name(key);
        String clash = keysByName.putIfAbsent(fieldName, key);
        if (clash != null) {
            throw new MalformedPayloadException("an object has the fields " + quote(clash) + " and " + quote(key)
                    + ", which both become the Avro name " + fieldName + "; a struct cannot hold both", -1, -1, -1);
        }
        return fieldName;
    }

    private static Object firstNonNull(List<?> array) {
        for (Object element : array) {
            if (element != null) {
                return element;
            }
        }
        return null;
    }

    private static Schema.Type primitiveType(Object value) {
        if (value instanceof String) {
            return Schema.Type.STRING;
        } else if (value instanceof Long) {
            return Schema.Type.INT64;
        } else if (value instanceof Double) {
            return Schema.Type.FLOAT64;
        } else if (value instanceof Boolean) {
            return Schema.Type.BOOLEAN;
        }
        throw new IllegalArgumentException("not a parsed JSON value: " + value.getClass().getName());
    }

    private static MalformedPayloadException typeConflict(String path, Schema current, String found) {
        return new MalformedPayloadException(path + " is " + describe(current.type()) + " in the topic's schema, and "
                + "this payload has " + found + " there; one schema per topic keeps one type per field", -1, -1, -1);
    }

    private static String describe(Schema.Type type) {
        switch (type) {
            case STRUCT: return "an object";
            case ARRAY: return "an array";
            case STRING: return "a string";
            case INT64: return "an integer";
            case FLOAT64: return "a number";
            case BOOLEAN: return "a boolean";
            default: return type.getName();
        }
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
