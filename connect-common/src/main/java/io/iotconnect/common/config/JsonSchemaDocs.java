package io.iotconnect.common.config;

/**
 * The documentation of the JSON schema-inference keys the sources share ({@link JsonSchemaConfigs}), written once and
 * worded for each source's own terms.
 */
final class JsonSchemaDocs {

    private JsonSchemaDocs() {
    }

    /**
     * @param document what a source calls a JSON value ("payload", "body")
     * @param unit     what a source calls one input ("message", "event")
     * @param ownKeys  the key, or keys joined by " and ", that still name the document's own fields
     */
    static String fieldNames(String document, String unit, String ownKeys) {
        return "With a Struct value: how JSON keys become field names. 'keep' uses them as written. 'avro' makes each a "
                + "valid Avro name, as Avro converters and schema registries need: every character other than A-Z, a-z, "
                + "0-9 and '_' becomes '_' (letters like '\u00fc' too, which readers in other languages refuse), and a "
                + "leading digit gets a '_' before it, so temp-c becomes temp_c and 1st becomes _1st. A struct keeps each "
                + "changed name's original in its schema parameters io.confluent.connect.avro.field.doc.<name> ('JSON "
                + "name: <original>', which Avro converters make the field's doc) and iotconnect.json.name.<name>; a "
                + document + " whose keys are valid names already gets the same schema as with 'keep'. Two keys of one "
                + "object that become one name (temp-c and temp_c) make the " + unit + " malformed. " + ownKeys
                + (ownKeys.contains(" and ") ? " still name the " : " still names the ") + document + "'s own keys.";
    }

    /**
     * @param document      what a source calls a JSON value ("payload", "body")
     * @param topicNote     what decides the topic, in brackets with a leading space, or empty
     * @param exampleTopic  a topic name with a character Avro refuses, for the example
     * @param fieldNamesKey the source's {@code value.json.field.names} key
     */
    static String schemaName(String document, String topicNote, String exampleTopic, String fieldNamesKey) {
        String exampleName = "io.iotconnect." + exampleTopic.replace('-', '_');
        return "With a Struct value: the name of the inferred schemas, for converters and registries that need stable "
                + "record names (Avro). Empty: unnamed structs, which an Avro converter names "
                + "io.confluent.connect.avro.ConnectDefault, ConnectDefault2, ... in the order it meets them, so the names "
                + "change when a " + document + "'s nesting does. A template such as io.iotconnect.${topic}: ${topic} is "
                + "the Kafka topic the record goes to" + topicNote + ", each dot-separated part made a valid Avro name ("
                + exampleTopic + " gives " + exampleName + "), and each nested struct is named after its field path below "
                + "that (" + exampleName + ".location; the objects of an array field after the field), whatever other "
                + "fields a " + document + " has. The rest of the template must make a valid Avro full name: names of "
                + "A-Z, a-z, 0-9 and '_' not starting with a digit, joined by single dots. Without ${topic} it is one "
                + "fixed name. For Avro, use it with " + fieldNamesKey + "=avro.";
    }

    /**
     * @param document      what a source calls a JSON value ("payload", "body")
     * @param unit          what a source calls one input ("message", "event")
     * @param driftKey      the source's {@code value.json.number.drift} key
     * @param numberModeKey the source's {@code value.json.number.mode} key
     */
    static String schemaScope(String document, String unit, String driftKey, String numberModeKey) {
        return "With a Struct value: 'shape' gives each " + document + " shape its own schema, exactly as written. "
                + "'topic' gives each Kafka topic one schema that only grows, for a schema registry: every field any "
                + document + " on the topic brought, sorted by name, all optional, none ever removed; a " + document
                + " with fewer fields reads them as null and adds no schema version, so a registry sees a new version only "
                + "when a field first appears or a number field widens (" + driftKey + "), and each new version is "
                + "compatible under the registry's BACKWARD rule. A value of another type where the schema has one (a "
                + "string where numbers were) makes the " + unit + " malformed, naming the field and both types, and so does a " + document + " that is not "
                + "a JSON object (a bare number, a string, an array), since the topic's schema is a record. The "
                + "schema is kept per task, in memory: a restarted task builds it again from what it reads, so with a "
                + "registry set " + numberModeKey + "=float64, under which no number field ever changes type.";
    }

    /** @param scopeKey the source's {@code value.json.schema.scope} key */
    static String numberDrift(String unit, String scopeKey) {
        return "With " + scopeKey + "=topic: what a fraction does in a field that so far held only integers. 'widen' "
                + "makes the field float64 from then on (Avro promotes long to double, so the new schema version reads "
                + "the old data; later integers are written as doubles); 'route' makes the " + unit + " malformed, "
                + "naming the field and the number, and the field stays int64.";
    }

    static String cacheSize(String document, String schemaNameKey, String scopeKey) {
        return "With a Struct value: how many " + document + " shapes keep their inferred schema cached per task (per "
                + "shape and Kafka topic when " + schemaNameKey + " uses ${topic}); with " + scopeKey + "=topic, how many "
                + "topics keep their schema (a topic whose schema is dropped builds it again from the next payloads).";
    }
}
