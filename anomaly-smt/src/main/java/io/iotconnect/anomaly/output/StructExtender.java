package io.iotconnect.anomaly.output;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adds one field to values: to a {@link Struct} through a derived schema (built once per input schema and cached,
 * so records never carry a schema of their own), or to a copy of a schemaless {@link Map}. An input field of the same
 * name is replaced, so records that pass a transform twice keep one field.
 */
public final class StructExtender {

    private static final int CACHE_SIZE = 64;

    private final String fieldName;
    private final Schema fieldSchema;
    private final Map<Schema, Schema> derived = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Schema, Schema> eldest) {
            return size() > CACHE_SIZE;
        }
    };
    // The last schema pair: readings of one source almost always share a schema instance.
    private Schema lastInput;
    private Schema lastOutput;

    public StructExtender(String fieldName, Schema fieldSchema) {
        this.fieldName = fieldName;
        this.fieldSchema = fieldSchema;
    }

    public String fieldName() {
        return fieldName;
    }

    /** The input schema with the field added (cached). */
    public Schema schema(Schema input) {
        if (input == lastInput) {
            return lastOutput;
        }
        Schema output = derived.get(input);
        if (output == null) {
            output = build(input);
            derived.put(input, output);
        }
        lastInput = input;
        lastOutput = output;
        return output;
    }

    private Schema build(Schema input) {
        if (input.type() != Schema.Type.STRUCT) {
            throw new DataException("cannot add field '" + fieldName + "' to a " + input.type() + " schema; it needs a struct");
        }
        SchemaBuilder builder = SchemaBuilder.struct().name(input.name()).version(input.version()).doc(input.doc());
        if (input.parameters() != null) {
            builder.parameters(input.parameters());
        }
        if (input.isOptional()) {
            builder.optional();
        }
        for (Field field : input.fields()) {
            if (!field.name().equals(fieldName)) {
                builder.field(field.name(), field.schema());
            }
        }
        builder.field(fieldName, fieldSchema);
        return builder.build();
    }

    public Struct extend(Struct value, Schema outputSchema, Object fieldValue) {
        Struct copy = new Struct(outputSchema);
        for (Field field : value.schema().fields()) {
            if (!field.name().equals(fieldName)) {
                copy.put(field.name(), value.get(field));
            }
        }
        copy.put(fieldName, fieldValue);
        return copy;
    }

    public Map<Object, Object> extend(Map<?, ?> value, Object fieldValue) {
        Map<Object, Object> copy = new HashMap<>(Math.max(16, (int) ((value.size() + 1) / 0.75f) + 1));
        copy.putAll(value);
        copy.put(fieldName, fieldValue);
        return copy;
    }
}
