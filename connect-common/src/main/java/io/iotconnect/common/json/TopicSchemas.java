package io.iotconnect.common.json;

import io.iotconnect.common.json.JsonSchemaInference.FieldNames;
import io.iotconnect.common.json.JsonSchemaInference.NumberDrift;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static io.iotconnect.common.json.JsonSchemaInference.FIELD_DOC_PARAMETER_PREFIX;
import static io.iotconnect.common.json.JsonSchemaInference.JSON_NAME_PARAMETER_PREFIX;
import static io.iotconnect.common.json.JsonSchemaInference.convert;
import static io.iotconnect.common.json.JsonSchemaInference.firstNonNull;
import static io.iotconnect.common.json.JsonSchemaInference.infer;
import static io.iotconnect.common.json.JsonSchemaInference.quote;

/**
 * {@link JsonSchemaInference.SchemaScope#TOPIC}: each Kafka topic's one schema, grown by merging the payloads that
 * bring something new (the rules are on {@link JsonSchemaInference}). The shapes a topic's schema is known to hold are
 * remembered, so a merge runs only for a shape the topic has not seen. One instance per task: it is not thread-safe.
 */
final class TopicSchemas {

    /** A topic's schema; {@code shapes} is cleared when it reaches the cache size, which only costs a merge. */
    private static final class TopicSchema {
        private Schema schema;
        private final Set<Object> shapes = new HashSet<>();
    }

    private final Cache<String, TopicSchema> byTopic;
    private final int cacheSize;
    private final FieldNames fieldNames;
    private final NumberDrift numberDrift;
    private long changes;

    TopicSchemas(int cacheSize, FieldNames fieldNames, NumberDrift numberDrift) {
        this.byTopic = new LRUCache<>(cacheSize);
        this.cacheSize = cacheSize;
        this.fieldNames = fieldNames;
        this.numberDrift = numberDrift;
    }

    /**
     * The value on its topic's schema, grown first when its shape is new to the topic (and its fields admitted by
     * {@code fields}).
     *
     * @param shapeKey the parsed value's {@link ParsedJson#shapeKey()}
     * @throws MalformedPayloadException when the value cannot be held, or is not a JSON object
     */
    SchemaAndValue toConnect(ParsedJson parsed, Object shapeKey, String topic, SchemaNameTemplate schemaName, TopicFields fields) {
        String key = topic == null ? "" : topic;
        TopicSchema topicSchema = byTopic.get(key);
        if (topicSchema == null) {
            topicSchema = new TopicSchema();
            byTopic.put(key, topicSchema);
        }
        if (!(parsed.value() instanceof Map<?, ?>)) {
            // A topic's schema is a record: a bare value first would make it a number (or an array) and every object
            // after it malformed, and a registry would refuse the record after a primitive. The value alone is routed.
            throw topicSchema.schema != null ? typeConflict("$", topicSchema.schema, describe(parsed.value()))
                    : new MalformedPayloadException("the payload is " + describe(parsed.value()) + ", not a JSON object; "
                            + "one schema per topic is a record, so only objects can have it", -1, -1, -1);
        }
        if (!topicSchema.shapes.contains(shapeKey)) {
            fields.admit(topic, parsed.value());
            String name = schemaName == null ? null : schemaName.resolve(topic);
            Schema merged = merge(topicSchema.schema, parsed.value(), false, name, "$");
            if (merged != topicSchema.schema) {
                topicSchema.schema = merged;
                changes++;
            }
            if (topicSchema.shapes.size() >= cacheSize) {
                topicSchema.shapes.clear();
            }
            topicSchema.shapes.add(shapeKey);
        }
        return new SchemaAndValue(topicSchema.schema, convert(topicSchema.schema, parsed.value()));
    }

    /** Topics whose schema is cached. */
    long size() {
        return byTopic.size();
    }

    /** How many times a topic's schema has changed, its first schema included. */
    long changes() {
        return changes;
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
                throw JsonSchemaInference.emptyName();
            }
            return key;
        }
        String fieldName = AvroNames.name(key);
        String clash = keysByName.putIfAbsent(fieldName, key);
        if (clash != null) {
            throw JsonSchemaInference.sameAvroName(clash, key, fieldName);
        }
        return fieldName;
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

    private static String describe(Object value) {
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        return value instanceof List<?> ? "an array" : describe(primitiveType(value));
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
}
