package io.iotconnect.common.config;

import io.iotconnect.common.json.JsonSchemaInference;
import io.iotconnect.common.json.SchemaNameTemplate;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The schema-inference keys every JSON source defines under its own prefix ({@code mqtt.}, {@code iothub.}):
 * {@value #FIELD_NAMES}, {@value #SCHEMA_NAME}, {@value #SCHEMA_SCOPE}, {@value #NUMBER_DRIFT}, {@value #CACHE_SIZE}
 * and {@value #MAX_TOPIC_FIELDS},
 * defined, documented and parsed here once, as Kafka's {@code SslConfigs.addClientSslSupport} does for the TLS keys.
 * Each source words the documentation in its own terms ({@link Terms}).
 */
public final class JsonSchemaConfigs {

    public static final String FIELD_NAMES = "value.json.field.names";
    public static final String FIELD_NAMES_DEFAULT = "keep";
    public static final String SCHEMA_NAME = "value.json.schema.name";
    public static final String SCHEMA_SCOPE = "value.json.schema.scope";
    public static final String SCHEMA_SCOPE_DEFAULT = "shape";
    public static final String NUMBER_DRIFT = "value.json.number.drift";
    public static final String NUMBER_DRIFT_DEFAULT = "widen";
    public static final String CACHE_SIZE = "value.json.schema.cache.size";
    public static final int CACHE_SIZE_DEFAULT = 1000;
    public static final String MAX_TOPIC_FIELDS = "value.json.max.topic.fields";
    /** Each source defines it, with its own wording; the scope's documentation points to it. */
    private static final String NUMBER_MODE = "value.json.number.mode";

    /**
     * How a source words the documentation.
     *
     * @param prefix       the source's key prefix, with its dot ("mqtt.")
     * @param document     what the source calls a JSON value ("payload", "body")
     * @param unit         what it calls one input ("message", "event")
     * @param ownKeys      the key, or keys joined by " and ", that still name the document's own fields
     * @param topicNote    what decides the topic, in brackets with a leading space, or empty
     * @param exampleTopic a topic name with a character Avro refuses, for the example
     */
    public record Terms(String prefix, String document, String unit, String ownKeys, String topicNote, String exampleTopic) {
    }

    private JsonSchemaConfigs() {
    }

    /**
     * Defines the six keys in {@code group}, in the order above, after {@code order}.
     *
     * @return the last order used
     */
    public static int define(ConfigDef def, Terms terms, String group, int order) {
        String prefix = terms.prefix();
        def.define(prefix + FIELD_NAMES, Type.STRING, FIELD_NAMES_DEFAULT, Validators.oneOf(JsonSchemaInference.FieldNames.class),
                Importance.MEDIUM, JsonSchemaDocs.fieldNames(terms.document(), terms.unit(), terms.ownKeys()), group, ++order,
                Width.SHORT, "JSON field names");
        def.define(prefix + SCHEMA_NAME, Type.STRING, "", Validators.schemaNameTemplate(), Importance.MEDIUM,
                JsonSchemaDocs.schemaName(terms.document(), terms.topicNote(), terms.exampleTopic(), prefix + FIELD_NAMES),
                group, ++order, Width.LONG, "JSON schema name");
        def.define(prefix + SCHEMA_SCOPE, Type.STRING, SCHEMA_SCOPE_DEFAULT, Validators.oneOf(JsonSchemaInference.SchemaScope.class),
                Importance.MEDIUM, JsonSchemaDocs.schemaScope(terms.document(), terms.unit(), prefix + NUMBER_DRIFT,
                        prefix + NUMBER_MODE), group, ++order, Width.SHORT, "JSON schema scope");
        def.define(prefix + NUMBER_DRIFT, Type.STRING, NUMBER_DRIFT_DEFAULT, Validators.oneOf(JsonSchemaInference.NumberDrift.class),
                Importance.LOW, JsonSchemaDocs.numberDrift(terms.unit(), prefix + SCHEMA_SCOPE), group, ++order, Width.SHORT,
                "JSON number drift");
        def.define(prefix + CACHE_SIZE, Type.INT, CACHE_SIZE_DEFAULT, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                JsonSchemaDocs.cacheSize(terms.document(), prefix + SCHEMA_NAME, prefix + SCHEMA_SCOPE), group, ++order,
                Width.SHORT, "Schema cache size");
        def.define(prefix + MAX_TOPIC_FIELDS, Type.INT, JsonSchemaInference.MAX_TOPIC_FIELDS_DEFAULT,
                ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                "Most distinct fields (JSON paths, nested ones included) the " + terms.document() + "s of one Kafka topic may "
                        + "bring over a task's life. A " + terms.unit() + " that would bring more is malformed (its reason "
                        + "names the first new field) and goes to the error topic, so a device that invents a field name "
                        + "per " + terms.unit() + " cannot make a schema, or a registry version, per " + terms.unit()
                        + ". Checked only for a " + terms.document() + " shape not seen before.",
                group, ++order, Width.SHORT, "Max fields per topic");
        return order;
    }

    /** The six keys' values, parsed (validation has checked them). */
    public static JsonSchemaInference.Settings parse(AbstractConfig config, String prefix) {
        return new JsonSchemaInference.Settings(
                config.getInt(prefix + CACHE_SIZE),
                Validators.parseEnum(JsonSchemaInference.FieldNames.class, config.getString(prefix + FIELD_NAMES)),
                SchemaNameTemplate.parseOptional(config.getString(prefix + SCHEMA_NAME)).orElse(null),
                Validators.parseEnum(JsonSchemaInference.SchemaScope.class, config.getString(prefix + SCHEMA_SCOPE)),
                Validators.parseEnum(JsonSchemaInference.NumberDrift.class, config.getString(prefix + NUMBER_DRIFT)),
                config.getInt(prefix + MAX_TOPIC_FIELDS), prefix + MAX_TOPIC_FIELDS);
    }
}
