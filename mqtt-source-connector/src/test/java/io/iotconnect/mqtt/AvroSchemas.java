package io.iotconnect.mqtt;

import org.apache.avro.Schema;

import java.util.List;

/** Walks Avro schemas the way the Avro tests check them. */
public final class AvroSchemas {

    private AvroSchemas() {
    }

    /** The schema itself, or the non-null branch of an optional union. */
    public static Schema nonNull(Schema schema) {
        return schema.getType() != Schema.Type.UNION ? schema
                : schema.getTypes().stream().filter(s -> s.getType() != Schema.Type.NULL).findFirst().orElseThrow();
    }

    /** Adds every record's full name and every field's name below {@code schema} to {@code names}. */
    public static void collectNames(Schema schema, List<String> names) {
        Schema type = nonNull(schema);
        if (type.getType() == Schema.Type.ARRAY) {
            collectNames(type.getElementType(), names);
        } else if (type.getType() == Schema.Type.RECORD) {
            names.add(type.getFullName());
            for (Schema.Field field : type.getFields()) {
                names.add(field.name());
                collectNames(field.schema(), names);
            }
        }
    }
}
