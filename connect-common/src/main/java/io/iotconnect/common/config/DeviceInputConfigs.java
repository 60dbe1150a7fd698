package io.iotconnect.common.config;

import io.iotconnect.common.json.JsonLimits;
import io.iotconnect.common.source.DeviceTimeWindow;
import io.iotconnect.common.source.HeaderLimits;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

import java.time.Duration;

/**
 * The keys that bound what a device decides about its own record, defined under each source's prefix
 * ({@code mqtt.}, {@code iothub.}) and parsed here once, as {@link JsonSchemaConfigs} does for schema inference: the
 * window of record times taken from a device's clock ({@value #TIMESTAMP_MAX_FUTURE}, {@value #TIMESTAMP_MAX_PAST},
 * {@value #TIMESTAMP_OUT_OF_RANGE}) and the bounds on the headers made of its properties ({@value #HEADERS_MAX_COUNT},
 * {@value #HEADERS_MAX_BYTES}, {@value #HEADERS_OVERFLOW}).
 */
public final class DeviceInputConfigs {

    public static final String TIMESTAMP_MAX_FUTURE = "timestamp.max.future";
    public static final String TIMESTAMP_MAX_FUTURE_DEFAULT = "15m";
    public static final String TIMESTAMP_MAX_PAST = "timestamp.max.past";
    public static final String TIMESTAMP_MAX_PAST_DEFAULT = "6d";
    public static final String TIMESTAMP_OUT_OF_RANGE = "timestamp.out.of.range";
    public static final String TIMESTAMP_OUT_OF_RANGE_DEFAULT = "error-topic";
    public static final String HEADERS_MAX_COUNT = "headers.max.count";
    public static final int HEADERS_MAX_COUNT_DEFAULT = 32;
    public static final String HEADERS_MAX_BYTES = "headers.max.bytes";
    public static final int HEADERS_MAX_BYTES_DEFAULT = 16 * 1024;
    public static final String HEADERS_OVERFLOW = "headers.overflow";
    public static final String HEADERS_OVERFLOW_DEFAULT = "truncate";

    public static final String JSON_MAX_FIELDS = "value.json.max.fields";
    public static final String JSON_MAX_FIELD_NAME_LENGTH = "value.json.max.field.name.length";

    /** The header, under the source's prefix, that a record whose device time was replaced carries: the reason. */
    public static final String TIMESTAMP_REPLACED_HEADER = "timestamp.replaced";
    /** The header, under the source's prefix, that a record whose properties were cut carries: how many were left out. */
    public static final String HEADERS_TRUNCATED_HEADER = "headers.truncated";

    private static final Duration MAX_WINDOW = Duration.ofDays(3650);

    /**
     * How a source words the documentation.
     *
     * @param prefix         the key prefix, with its dot ("mqtt.")
     * @param unit           what the source calls one input ("message", "event")
     * @param ownTime        the source's own time of an input, used instead of a device time out of range
     * @param timestampKey   the key of the payload's time field
     * @param properties     what the source calls a device's properties ("MQTT 5 user properties")
     * @param propertyHeader how a property's header is named ("mqtt.user.<name>")
     * @param errorTopicKey  the key of the error topic
     */
    public record Terms(String prefix, String unit, String ownTime, String timestampKey, String properties,
                        String propertyHeader, String errorTopicKey) {
    }

    private DeviceInputConfigs() {
    }

    /**
     * Defines the three time-window keys in {@code group} after {@code order}.
     *
     * @return the last order used
     */
    public static int defineTimeWindow(ConfigDef def, Terms terms, String group, int order) {
        String prefix = terms.prefix();
        String outOfRange = prefix + TIMESTAMP_OUT_OF_RANGE;
        def.define(prefix + TIMESTAMP_MAX_FUTURE, Type.STRING, TIMESTAMP_MAX_FUTURE_DEFAULT,
                Validators.duration(Duration.ZERO, MAX_WINDOW), Importance.MEDIUM,
                "How far ahead of the connector's clock a time read from " + terms.timestampKey() + " may be (15m, 2h, "
                        + "PT30M). A later time is out of range (see " + outOfRange + "). Kafka brokers refuse a record "
                        + "stamped more than log.message.timestamp.after.max.ms ahead of their clock (one hour by "
                        + "default since Kafka 4.0), which would fail the task; keep this below the topic's "
                        + "message.timestamp.after.max.ms, less the time a " + terms.unit() + " waits in the task. "
                        + "A device time far in the future would also hold a device's live state (upsert if newer) "
                        + "and a lake's time directories hostage.",
                group, ++order, Width.SHORT, "Max device time ahead");
        def.define(prefix + TIMESTAMP_MAX_PAST, Type.STRING, TIMESTAMP_MAX_PAST_DEFAULT,
                Validators.duration(Duration.ZERO, MAX_WINDOW), Importance.MEDIUM,
                "How far behind the connector's clock a time read from " + terms.timestampKey() + " may be (6d, 12h, "
                        + "P1D). An earlier time is out of range (see " + outOfRange + "). A record older than the "
                        + "topic's retention (7 days by default) may be deleted as soon as it is written; the default "
                        + "leaves a day for readers, and admits devices that upload what they buffered offline.",
                group, ++order, Width.SHORT, "Max device time behind");
        def.define(outOfRange, Type.STRING, TIMESTAMP_OUT_OF_RANGE_DEFAULT, Validators.oneOf(DeviceTimeWindow.OutOfRange.class),
                Importance.MEDIUM,
                "What becomes of a " + terms.unit() + " whose time from " + terms.timestampKey() + " is out of range: "
                        + "'error-topic' sends it to " + terms.errorTopicKey() + " with the reason (stage 'timestamp'), "
                        + "like any malformed " + terms.unit() + "; 'fallback' keeps it with " + terms.ownTime()
                        + " as its timestamp and the reason in a header " + prefix + TIMESTAMP_REPLACED_HEADER
                        + " (its value keeps the device's time). Either way the task goes on.",
                group, ++order, Width.SHORT, "Out-of-range device time");
        return order;
    }

    /**
     * Defines the three header-bound keys in {@code group} after {@code order}.
     *
     * @return the last order used
     */
    public static int defineHeaderLimits(ConfigDef def, Terms terms, String group, int order) {
        String prefix = terms.prefix();
        def.define(prefix + HEADERS_MAX_COUNT, Type.INT, HEADERS_MAX_COUNT_DEFAULT, ConfigDef.Range.between(0, 10_000),
                Importance.LOW,
                "Most " + terms.properties() + " of one " + terms.unit() + " that become headers (" + terms.propertyHeader()
                        + "), in the order they came. What is beyond it is handled as " + prefix + HEADERS_OVERFLOW
                        + " says. The headers the connector adds itself are not counted.",
                group, ++order, Width.SHORT, "Max property headers");
        def.define(prefix + HEADERS_MAX_BYTES, Type.INT, HEADERS_MAX_BYTES_DEFAULT, ConfigDef.Range.between(0, 512 * 1024),
                Importance.LOW,
                "Most bytes (UTF-8 names and values together) of the " + terms.properties() + " of one " + terms.unit()
                        + " that become headers. Without a bound one " + terms.unit() + " with a megabyte of properties "
                        + "makes a record the producer refuses, which would fail the task.",
                group, ++order, Width.SHORT, "Max property header bytes");
        def.define(prefix + HEADERS_OVERFLOW, Type.STRING, HEADERS_OVERFLOW_DEFAULT, Validators.oneOf(HeaderLimits.Overflow.class),
                Importance.LOW,
                "What becomes of a " + terms.unit() + " with more " + terms.properties() + " than " + prefix
                        + HEADERS_MAX_COUNT + " or " + prefix + HEADERS_MAX_BYTES + " allow: 'truncate' keeps those that "
                        + "fit, in order, and adds a header " + prefix + HEADERS_TRUNCATED_HEADER + " with the number "
                        + "left out; 'error-topic' sends it to " + terms.errorTopicKey() + " with the reason (stage "
                        + "'headers'). An error record never carries more properties than fit.",
                group, ++order, Width.SHORT, "Property header overflow");
        return order;
    }

    /**
     * Defines the two keys that bound a JSON document's fields in {@code group} after {@code order}.
     *
     * @return the last order used
     */
    public static int defineJsonBounds(ConfigDef def, Terms terms, String group, int order) {
        String prefix = terms.prefix();
        def.define(prefix + JSON_MAX_FIELDS, Type.INT, JsonLimits.MAX_FIELDS_DEFAULT, ConfigDef.Range.between(1, 1_000_000),
                Importance.LOW, "Most fields one JSON " + terms.unit() + " may hold, at every depth together (each object "
                        + "in an array counts its fields); more makes it malformed. A record's schema, and what a sink "
                        + "writes per row, grow with it.",
                group, ++order, Width.SHORT, "Max JSON fields");
        def.define(prefix + JSON_MAX_FIELD_NAME_LENGTH, Type.INT, JsonLimits.MAX_NAME_LENGTH_DEFAULT,
                ConfigDef.Range.between(1, 65_536), Importance.LOW, "Longest field name, in characters, a JSON "
                        + terms.unit() + " may hold; a longer one makes it malformed. Field names become schema field "
                        + "names, lake columns and document keys.",
                group, ++order, Width.SHORT, "Max JSON field name length");
        return order;
    }

    /** The JSON bounds of a source whose payloads are at most {@code maxBytes} and {@code maxDepth} deep. */
    public static JsonLimits parseJsonLimits(AbstractConfig config, String prefix, int maxBytes, int maxDepth) {
        return new JsonLimits(maxBytes, maxDepth, maxBytes, config.getInt(prefix + JSON_MAX_FIELDS),
                config.getInt(prefix + JSON_MAX_FIELD_NAME_LENGTH));
    }

    /** The time-window keys' values, parsed (validation has checked them). */
    public static DeviceTimeWindow parseTimeWindow(AbstractConfig config, String prefix) {
        Duration maxFuture = Durations.parse(config.getString(prefix + TIMESTAMP_MAX_FUTURE));
        Duration maxPast = Durations.parse(config.getString(prefix + TIMESTAMP_MAX_PAST));
        return new DeviceTimeWindow(maxFuture, maxPast,
                Validators.parseEnum(DeviceTimeWindow.OutOfRange.class, config.getString(prefix + TIMESTAMP_OUT_OF_RANGE)),
                prefix + TIMESTAMP_MAX_FUTURE + "=" + Durations.format(maxFuture),
                prefix + TIMESTAMP_MAX_PAST + "=" + Durations.format(maxPast));
    }

    /** The header-bound keys' values, parsed (validation has checked them). */
    public static HeaderLimits parseHeaderLimits(AbstractConfig config, String prefix) {
        return new HeaderLimits(config.getInt(prefix + HEADERS_MAX_COUNT), config.getInt(prefix + HEADERS_MAX_BYTES),
                Validators.parseEnum(HeaderLimits.Overflow.class, config.getString(prefix + HEADERS_OVERFLOW)),
                prefix + HEADERS_MAX_COUNT, prefix + HEADERS_MAX_BYTES);
    }
}
