package io.iotconnect.mqtt.config;

import io.iotconnect.common.config.DeviceInputConfigs;
import io.iotconnect.common.config.JsonSchemaConfigs;
import io.iotconnect.common.config.Validators;
import io.iotconnect.common.json.JsonLimits;
import io.iotconnect.common.json.JsonPayloadParser;
import io.iotconnect.common.json.JsonSchemaInference;
import io.iotconnect.common.path.FieldPath;
import io.iotconnect.common.source.DeviceTimeWindow;
import io.iotconnect.common.source.HeaderLimits;
import io.iotconnect.mqtt.mapping.KafkaTopicTemplate;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Configuration of the MQTT source connector: every key, its default, validator and documentation. */
public class MqttSourceConnectorConfig extends AbstractConfig {

    private static final String CONNECTION_GROUP = "Connection";
    private static final String SUBSCRIPTION_GROUP = "Subscription";
    private static final String SECURITY_GROUP = "Security";
    private static final String MAPPING_GROUP = "Mapping";
    private static final String ERRORS_GROUP = "Error handling";
    private static final String FLOW_GROUP = "Flow control";

    // ---- Connection ----
    public static final String SERVER_URIS_CONFIG = "mqtt.server.uris";
    private static final String SERVER_URIS_DOC = "MQTT broker URIs, comma-separated: tcp://host:1883 for plain TCP, "
            + "ssl://host:8883 for TLS (ws:// and wss:// for WebSockets). With several URIs the task connects to the "
            + "first that answers and fails over to the others when the connection drops.";

    public static final String MQTT_VERSION_CONFIG = "mqtt.version";
    public static final String MQTT_VERSION_DEFAULT = "5";
    private static final String MQTT_VERSION_DOC = "MQTT protocol version: '5' (MQTT 5.0) or '3.1.1'. With 3.1.1 there are no "
            + "user properties, content type or session expiry; the broker's own settings decide how long a session lives.";

    public static final String CLIENT_ID_PREFIX_CONFIG = "mqtt.client.id.prefix";
    private static final String CLIENT_ID_PREFIX_DOC = "Prefix of the MQTT client ids. Each task connects as "
            + "'<prefix>-<task index>', a stable id, so the broker keeps its persistent session across restarts and "
            + "rebalances. Empty: the connector name. Two connectors must not share a prefix on one broker.";

    public static final String CLEAN_START_CONFIG = "mqtt.clean.start";
    private static final String CLEAN_START_DOC = "Start a new session on every connect (MQTT 5 clean start, 3.1.1 clean session). "
            + "Keep false for at-least-once delivery: with true, messages the broker held for an offline task and messages "
            + "received but not yet written to Kafka are lost on reconnect.";

    public static final String SESSION_EXPIRY_CONFIG = "mqtt.session.expiry.interval.seconds";
    public static final long SESSION_EXPIRY_DEFAULT = 86_400L;
    private static final String SESSION_EXPIRY_DOC = "MQTT 5 only: how long the broker keeps the session (subscriptions "
            + "and queued messages) after a task disconnects. Messages published while a task is down for longer are lost. "
            + "0 ends the session at disconnect and so is refused unless " + CLEAN_START_CONFIG + " is true; 4294967295 never expires.";

    public static final String KEEPALIVE_CONFIG = "mqtt.keepalive.interval.seconds";
    private static final String KEEPALIVE_DOC = "MQTT keep-alive interval: the client pings the broker when idle, and a "
            + "connection silent for 1.5 times this long is considered lost.";

    public static final String CONNECTION_TIMEOUT_CONFIG = "mqtt.connection.timeout.seconds";
    private static final String CONNECTION_TIMEOUT_DOC = "How long one connection attempt may take before it counts as failed.";

    public static final String RECONNECT_BACKOFF_INITIAL_CONFIG = "mqtt.reconnect.backoff.initial.ms";
    private static final String RECONNECT_BACKOFF_INITIAL_DOC = "Wait before the first reconnect attempt after the connection drops; "
            + "it doubles on each failed attempt (with 20% jitter) up to " + "mqtt.reconnect.backoff.max.ms.";

    public static final String RECONNECT_BACKOFF_MAX_CONFIG = "mqtt.reconnect.backoff.max.ms";
    private static final String RECONNECT_BACKOFF_MAX_DOC = "Longest wait between reconnect attempts. The task retries for as long as "
            + "it runs; it fails only when the broker refuses its credentials or authorization.";

    public static final String USERNAME_CONFIG = "mqtt.username";
    private static final String USERNAME_DOC = "User name for the broker, if it requires one.";

    public static final String PASSWORD_CONFIG = "mqtt.password";
    private static final String PASSWORD_DOC = "Password for the broker. Never logged; use a config provider such as "
            + "${file:/etc/secrets/mqtt.properties:password} or ${env:MQTT_PASSWORD} to keep it out of the connector JSON.";

    public static final String ALLOW_PLAINTEXT_CREDENTIALS_CONFIG = "mqtt.allow.plaintext.credentials";
    private static final String ALLOW_PLAINTEXT_CREDENTIALS_DOC = "Send " + "mqtt.username and mqtt.password over tcp:// or "
            + "ws:// to a broker that is not on this machine. Off, such a configuration is refused (config/validate "
            + "names the URI): anyone on the path could read the password. Use ssl:// or wss://, or turn this on only "
            + "inside a network you trust (a private container network). Loopback brokers (localhost, 127.0.0.1, ::1) "
            + "are always allowed.";

    // ---- Subscription ----
    public static final String TOPICS_CONFIG = "mqtt.topics";
    private static final String TOPICS_DOC = "MQTT topic filters to subscribe to, comma-separated; wildcards '+' (one level) and "
            + "'#' (the rest) are allowed, as in devices/+/telemetry. A shared subscription $share/<group>/<filter> is "
            + "subscribed by every task and the broker spreads its messages over them. Ordinary filters are split across "
            + "tasks, each on one task; filters that overlap are refused because a message matching both would be read twice.";

    public static final String QOS_CONFIG = "mqtt.qos";
    public static final int QOS_DEFAULT = 1;
    private static final String QOS_DOC = "What delivery the connector asks of the broker. 0: at most once (a message in the "
            + "task's queue when a worker dies is lost). 1: at least once end to end: a message is acknowledged (PUBACK) only "
            + "after Kafka has acknowledged its record, so a message the worker had not written when it died is delivered "
            + "again, and duplicates after a crash are possible. 2 is accepted and delivers exactly what 1 delivers: the "
            + "connector subscribes at QoS 1, because an MQTT client must answer a QoS 2 PUBLISH with PUBREC, after which "
            + "the broker never sends it again, so a message still in the queue of a worker that crashed would be lost. "
            + "Kafka itself keeps at least once, so QoS 2 on the subscription could promise nothing more. Devices may still "
            + "publish at QoS 2; the broker delivers at the lower of the subscription's and the message's QoS.";

    public static final String SHARED_GROUP_CONFIG = "mqtt.shared.subscription.group";
    private static final String SHARED_GROUP_DOC = "When set, every ordinary filter in " + TOPICS_CONFIG + " is subscribed as "
            + "$share/<group>/<filter>, so all tasks share the load. Needs a broker with shared subscriptions (MQTT 5 brokers, "
            + "and mosquitto 1.6+ also for 3.1.1 clients).";

    public static final String RECEIVE_MAXIMUM_CONFIG = "mqtt.receive.maximum";
    private static final String RECEIVE_MAXIMUM_DOC = "MQTT 5 only: the most QoS 1/2 messages the broker may send the task "
            + "before they are acknowledged. Acknowledgement waits for Kafka, so this bounds throughput: the broker "
            + "pauses when this many messages are on their way to Kafka. With 3.1.1 the broker's own limit applies "
            + "(mosquitto: max_inflight_messages, default 20).";

    // ---- Security ----
    public static final String SSL_PROTOCOL_CONFIG = "mqtt.ssl.protocol";
    private static final String SSL_PROTOCOL_DOC = "TLS protocol for ssl:// and wss:// URIs: TLSv1.3, TLSv1.2, or TLS to let the JVM choose.";

    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "mqtt.ssl.truststore.type";
    private static final String SSL_TRUSTSTORE_TYPE_DOC = "Format of the trust store: PKCS12, JKS, or PEM (X.509 certificates).";

    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG = "mqtt.ssl.truststore.location";
    private static final String SSL_TRUSTSTORE_LOCATION_DOC = "Path of the trust store holding the CA certificates the broker's "
            + "certificate must chain to. Empty, with no " + "mqtt.ssl.truststore.certificates: the JVM's default CAs.";

    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG = "mqtt.ssl.truststore.password";
    private static final String SSL_TRUSTSTORE_PASSWORD_DOC = "Password of the trust store (PKCS12, JKS).";

    public static final String SSL_TRUSTSTORE_CERTIFICATES_CONFIG = "mqtt.ssl.truststore.certificates";
    private static final String SSL_TRUSTSTORE_CERTIFICATES_DOC = "CA certificates in PEM, given inline instead of a file "
            + "(type PEM). A config provider such as ${directory:/etc/mqtt:ca.pem} can supply a file's content.";

    public static final String SSL_KEYSTORE_TYPE_CONFIG = "mqtt.ssl.keystore.type";
    private static final String SSL_KEYSTORE_TYPE_DOC = "Format of the key store with the client certificate for mutual TLS: "
            + "PKCS12, JKS, or PEM (certificate chain and PKCS#8 or PKCS#1 private key in one file).";

    public static final String SSL_KEYSTORE_LOCATION_CONFIG = "mqtt.ssl.keystore.location";
    private static final String SSL_KEYSTORE_LOCATION_DOC = "Path of the key store holding the client certificate and key, for "
            + "brokers that require client certificates. Empty: no client certificate.";

    public static final String SSL_KEYSTORE_PASSWORD_CONFIG = "mqtt.ssl.keystore.password";
    private static final String SSL_KEYSTORE_PASSWORD_DOC = "Password of the key store (PKCS12, JKS).";

    public static final String SSL_KEY_PASSWORD_CONFIG = "mqtt.ssl.key.password";
    private static final String SSL_KEY_PASSWORD_DOC = "Password of the private key in the key store, when it differs from the "
            + "key store password. PEM keys must not be encrypted.";

    public static final String SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG = "mqtt.ssl.keystore.certificate.chain";
    private static final String SSL_KEYSTORE_CERTIFICATE_CHAIN_DOC = "Client certificate chain in PEM, given inline (type PEM), "
            + "with " + "mqtt.ssl.keystore.key.";

    public static final String SSL_KEYSTORE_KEY_CONFIG = "mqtt.ssl.keystore.key";
    private static final String SSL_KEYSTORE_KEY_DOC = "Client private key in PEM (unencrypted PKCS#8 or PKCS#1), given inline (type PEM).";

    public static final String SSL_ENDPOINT_IDENTIFICATION_CONFIG = "mqtt.ssl.endpoint.identification.enabled";
    private static final String SSL_ENDPOINT_IDENTIFICATION_DOC = "Check that the broker's certificate names the host in the URI. "
            + "Turn off only for test brokers whose certificates do not name their host.";

    // ---- Mapping ----
    public static final String KAFKA_TOPIC_CONFIG = "mqtt.kafka.topic";
    private static final String KAFKA_TOPIC_DOC = "Kafka topic for the records: a fixed name (telemetry) or a template over the MQTT "
            + "topic: ${N} is the N-th level counted from 1, ${-N} the N-th from the end, ${topic} the whole topic with '/' "
            + "as '.'. Example: telemetry.${3} sends sites/berlin/temperature/dev-7 to telemetry.temperature. Characters a "
            + "Kafka topic cannot hold become '_'. With placeholders a device's MQTT topic names the Kafka topic, so "
            + "some names are always refused (the message is malformed, stage 'topic'): names starting with '_' "
            + "(Kafka's and Connect's internal topics), the connector's error topic, and connect-configs, "
            + "connect-offsets and connect-status; see also mqtt.kafka.topic.allow.pattern and "
            + "mqtt.kafka.topic.max.distinct.";

    public static final String KAFKA_TOPIC_ALLOW_PATTERN_CONFIG = "mqtt.kafka.topic.allow.pattern";
    private static final String KAFKA_TOPIC_ALLOW_PATTERN_DOC = "With a template that has placeholders: a Java regular "
            + "expression that every Kafka topic the template gives must match as a whole, such as "
            + "telemetry\\.[a-z0-9-]+; a message whose topic does not match is malformed (stage 'topic') and goes to "
            + "the error topic. Empty: any valid name but those always refused (see " + KAFKA_TOPIC_CONFIG + "). Set it "
            + "whenever the cluster's internal topics are not under their default names.";

    public static final String KAFKA_TOPIC_MAX_DISTINCT_CONFIG = "mqtt.kafka.topic.max.distinct";
    public static final int KAFKA_TOPIC_MAX_DISTINCT_DEFAULT = 100;
    private static final String KAFKA_TOPIC_MAX_DISTINCT_DOC = "With a template that has placeholders: the most distinct "
            + "Kafka topics one task writes to. A message for a topic beyond them is malformed (stage 'topic'), so "
            + "devices cannot create topics (and a broker's partitions) without end.";

    public static final String KEY_SOURCE_CONFIG = "mqtt.key.source";
    public static final String KEY_SOURCE_DEFAULT = "topic-level";
    private static final String KEY_SOURCE_DOC = "Where the record key (the device id) comes from: 'topic-level' (a level of the "
            + "MQTT topic, see " + "mqtt.key.topic.level), 'payload-field' (a field of the JSON payload, see mqtt.key.field), "
            + "or 'none' (null keys). Keying by device keeps each device on one partition, in order. A message whose key "
            + "cannot be found is treated as malformed.";

    public static final String KEY_TOPIC_LEVEL_CONFIG = "mqtt.key.topic.level";
    private static final String KEY_TOPIC_LEVEL_DOC = "With key source 'topic-level': which MQTT topic level is the device id, "
            + "counted from 1, or from the end when negative (-1 = last). Example: 2 for devices/<id>/telemetry.";

    public static final String KEY_FIELD_CONFIG = "mqtt.key.field";
    private static final String KEY_FIELD_DOC = "With key source 'payload-field': the JSON field that holds the device id; "
            + "nested fields with dots, like meta.deviceId. Its value must be a string or a number.";

    public static final String KEY_MAX_LENGTH_CONFIG = "mqtt.key.max.length";
    public static final int KEY_MAX_LENGTH_DEFAULT = 256;
    private static final String KEY_MAX_LENGTH_DOC = "Longest device id (record key), in characters. A topic level or "
            + "payload field can hold tens of kilobytes, and the key is kept per device downstream (partitioning, "
            + "detector state, Cosmos DB ids of at most 1023 bytes): a longer id makes the message malformed (stage "
            + "'key'), and its error record has no key.";

    public static final String VALUE_FORMAT_CONFIG = "mqtt.value.format";
    public static final String VALUE_FORMAT_DEFAULT = "json";
    private static final String VALUE_FORMAT_DOC = "How the payload becomes the record value: 'bytes' (as is), 'string' (UTF-8 text; "
            + "invalid UTF-8 is malformed), or 'json' (parsed; a Struct with an inferred schema or a schemaless Map, see "
            + "mqtt.value.json.struct). Records carry Connect schemas, so any converter works.";

    public static final String JSON_STRUCT_CONFIG = "mqtt.value.json.struct";
    private static final String JSON_STRUCT_DOC = "With format 'json': true for a Struct whose schema is inferred from the "
            + "payload (one schema per payload shape, cached; objects become Structs with optional fields in document order, "
            + "JSON nulls are left out, arrays take one element type), false for a schemaless Map. Use false where payloads "
            + "mix types within arrays.";

    public static final String JSON_NUMBER_MODE_CONFIG = "mqtt.value.json.number.mode";
    public static final String JSON_NUMBER_MODE_DEFAULT = "infer";
    private static final String JSON_NUMBER_MODE_DOC = "With format 'json': 'infer' makes integer literals int64 and others float64; "
            + "'float64' makes every number float64, so a device that prints 21 for 21.0 keeps one schema (integers beyond "
            + "2^53 are then malformed rather than rounded). In both modes a number beyond a float64's range (like "
            + "1e999999) and an integer literal beyond 64 bits are malformed rather than read as Infinity or rounded, with "
            + "the field and the number in the reason; a non-zero number too small for a float64 (like 1e-999999) reads "
            + "as 0.0, the nearest float64.";

    // The schema-inference keys, defined, documented and parsed by JsonSchemaConfigs for every JSON source.
    public static final String JSON_FIELD_NAMES_CONFIG = "mqtt." + JsonSchemaConfigs.FIELD_NAMES;
    public static final String JSON_SCHEMA_NAME_CONFIG = "mqtt." + JsonSchemaConfigs.SCHEMA_NAME;
    public static final String JSON_SCHEMA_SCOPE_CONFIG = "mqtt." + JsonSchemaConfigs.SCHEMA_SCOPE;
    public static final String JSON_NUMBER_DRIFT_CONFIG = "mqtt." + JsonSchemaConfigs.NUMBER_DRIFT;
    public static final String SCHEMA_CACHE_SIZE_CONFIG = "mqtt." + JsonSchemaConfigs.CACHE_SIZE;
    private static final DeviceInputConfigs.Terms DEVICE_INPUT_TERMS = new DeviceInputConfigs.Terms("mqtt.", "message",
            "the time the message arrived", "mqtt.timestamp.field", "MQTT 5 user properties", "mqtt.user.<name>",
            "mqtt.error.topic");
    public static final String TIMESTAMP_MAX_FUTURE_CONFIG = "mqtt." + DeviceInputConfigs.TIMESTAMP_MAX_FUTURE;
    public static final String TIMESTAMP_MAX_PAST_CONFIG = "mqtt." + DeviceInputConfigs.TIMESTAMP_MAX_PAST;
    public static final String TIMESTAMP_OUT_OF_RANGE_CONFIG = "mqtt." + DeviceInputConfigs.TIMESTAMP_OUT_OF_RANGE;
    public static final String HEADERS_MAX_COUNT_CONFIG = "mqtt." + DeviceInputConfigs.HEADERS_MAX_COUNT;
    public static final String HEADERS_MAX_BYTES_CONFIG = "mqtt." + DeviceInputConfigs.HEADERS_MAX_BYTES;
    public static final String HEADERS_OVERFLOW_CONFIG = "mqtt." + DeviceInputConfigs.HEADERS_OVERFLOW;
    public static final String JSON_MAX_FIELDS_CONFIG = "mqtt." + DeviceInputConfigs.JSON_MAX_FIELDS;
    public static final String JSON_MAX_FIELD_NAME_LENGTH_CONFIG = "mqtt." + DeviceInputConfigs.JSON_MAX_FIELD_NAME_LENGTH;
    public static final String JSON_MAX_TOPIC_FIELDS_CONFIG = "mqtt." + JsonSchemaConfigs.MAX_TOPIC_FIELDS;
    private static final JsonSchemaConfigs.Terms JSON_SCHEMA_TERMS = new JsonSchemaConfigs.Terms("mqtt.", "payload", "message",
            "mqtt.key.field and mqtt.timestamp.field", "", "devices-telemetry");

    public static final String VALUE_MAX_BYTES_CONFIG = "mqtt.value.max.bytes";
    public static final int VALUE_MAX_BYTES_DEFAULT = 512 * 1024;
    private static final String VALUE_MAX_BYTES_DOC = "Largest payload turned into a record; a larger one is malformed "
            + "(reason 'payload of N bytes exceeds ...') and goes to the error topic as a bounded prefix with its size and "
            + "SHA-256 digest, so no record the producer would refuse is ever produced. The default keeps a record, with "
            + "its key, headers and the converter's overhead, within the producer's default max.request.size (1 MiB) and "
            + "the broker's default message.max.bytes. If you raised those (producer.override.max.request.size and the "
            + "topic's max.message.bytes), raise this one with them.";

    public static final String JSON_MAX_DEPTH_CONFIG = "mqtt.value.json.max.depth";
    private static final String JSON_MAX_DEPTH_DOC = "Deepest nesting of JSON objects and arrays accepted; deeper payloads are malformed.";

    public static final String TIMESTAMP_FIELD_CONFIG = "mqtt.timestamp.field";
    private static final String TIMESTAMP_FIELD_DOC = "JSON field with the reading's time, used as the Kafka record timestamp "
            + "(nested with dots). Empty, or a payload without the field: the time the message arrived. A value that does not "
            + "parse in " + "mqtt.timestamp.format makes the message malformed; a time outside mqtt.timestamp.max.future "
            + "and mqtt.timestamp.max.past of the connector's clock is handled as mqtt.timestamp.out.of.range says.";

    public static final String TIMESTAMP_FORMAT_CONFIG = "mqtt.timestamp.format";
    public static final String TIMESTAMP_FORMAT_DEFAULT = "auto";
    private static final String TIMESTAMP_FORMAT_DOC = "Format of the timestamp field. 'auto' accepts what fleets send: a number, "
            + "or a string of one, is epoch seconds when below 1e11 (100000000000; fractions allowed, like 1795356222.123) "
            + "and epoch milliseconds from 1e11 up to 1e14, which tells them apart for every time from March 1973 to year "
            + "5138; larger numbers (microseconds, nanoseconds) are malformed. Any other string must be ISO-8601 with an "
            + "offset or Z (2026-11-22T14:03:42.123Z, 2026-11-22T15:03:42+01:00); a local time without one is malformed, "
            + "as the device's zone is unknown. Fixed formats: 'epoch-millis', 'epoch-seconds' (a number or a string of "
            + "one, fractions allowed) or 'iso-8601'. In every format a time before 1970, NaN or an infinity is malformed.";

    public static final String HEADERS_ENABLE_CONFIG = "mqtt.headers.enable";
    private static final String HEADERS_ENABLE_DOC = "Add MQTT metadata as record headers: mqtt.topic, mqtt.qos, mqtt.retained, "
            + "mqtt.duplicate, mqtt.message.id, and for MQTT 5 mqtt.content.type and each user property as mqtt.user.<name> "
            + "(bounded by mqtt.headers.max.count and mqtt.headers.max.bytes).";

    // ---- Error handling ----
    public static final String ERROR_HANDLING_CONFIG = "mqtt.error.handling";
    public static final String ERROR_HANDLING_DEFAULT = "error-topic";
    private static final String ERROR_HANDLING_DOC = "What to do with a malformed message (does not parse in the value format, "
            + "has no key, bad timestamp, no Kafka topic for its MQTT topic): 'error-topic' writes the raw payload to "
            + "mqtt.error.topic with the reason in headers and goes on; 'fail' fails the task with the same message (the "
            + "message is not acknowledged, so the broker delivers it again when the task restarts).";

    public static final String ERROR_TOPIC_CONFIG = "mqtt.error.topic";
    private static final String ERROR_TOPIC_DOC = "Kafka topic for malformed messages. The record holds the raw payload (bytes) "
            + "and headers mqtt.error.reason, mqtt.error.stage, mqtt.error.position and the usual mqtt.* metadata. Empty: "
            + "'<connector name>-errors'.";

    public static final String ERROR_PAYLOAD_MAX_BYTES_CONFIG = "mqtt.error.payload.max.bytes";
    public static final int ERROR_PAYLOAD_MAX_BYTES_DEFAULT = 64 * 1024;
    private static final String ERROR_PAYLOAD_MAX_BYTES_DOC = "How much of a malformed message's payload its error record "
            + "keeps: longer payloads are cut to this many bytes, and every error record carries the full payload's size "
            + "(mqtt.error.payload.bytes) and SHA-256 digest (mqtt.error.payload.sha256), so a device's message can be "
            + "identified without shipping it whole.";

    // ---- Flow control ----
    public static final String QUEUE_CAPACITY_CONFIG = "mqtt.queue.capacity";
    private static final String QUEUE_CAPACITY_DOC = "Messages held in memory per task between the MQTT client and Kafka. When "
            + "full, the client stops reading from the broker (back-pressure) instead of growing.";

    public static final String QUEUE_MAX_BYTES_CONFIG = "mqtt.queue.max.bytes";
    public static final long QUEUE_MAX_BYTES_DEFAULT = 64L * 1024 * 1024;
    private static final String QUEUE_MAX_BYTES_DOC = "Most payload bytes held in memory per task between the MQTT client "
            + "and Kafka, beside " + QUEUE_CAPACITY_CONFIG + ": when either bound is reached, the client stops reading "
            + "from the broker. A single message larger than the bound is still taken, alone, so nothing waits forever.";

    public static final String PACKET_MAX_BYTES_CONFIG = "mqtt.packet.max.bytes";
    public static final long PACKET_MAX_BYTES_DEFAULT = 16L * 1024 * 1024;
    private static final String PACKET_MAX_BYTES_DOC = "MQTT 5 only: the largest packet the task accepts from the broker "
            + "(Maximum Packet Size in CONNECT), payload, topic and properties together. The broker does not send a "
            + "larger message to the task (MQTT 5 has it discarded, as if delivered), so no device can make a worker "
            + "hold an arbitrary amount of memory (brokers accept up to 256 MB by default); a message between "
            + "mqtt.value.max.bytes and this size still arrives and goes to the error topic with its size and digest, "
            + "so the default leaves room for the payloads a broken device sends by mistake. With MQTT 3.1.1 there is no such field: bound the size on the "
            + "broker (mosquitto: max_packet_size).";

    public static final String POLL_MAX_RECORDS_CONFIG = "mqtt.poll.max.records";
    private static final String POLL_MAX_RECORDS_DOC = "Most records handed to Connect in one poll.";

    public static final String POLL_MAX_WAIT_CONFIG = "mqtt.poll.max.wait.ms";
    private static final String POLL_MAX_WAIT_DOC = "Longest a poll waits for the first message before returning nothing.";

    // ---- Set by the connector for each task ----
    public static final String TASK_INDEX_CONFIG = "mqtt.task.index";
    public static final String TASK_TOPICS_CONFIG = "mqtt.task.topics";
    public static final String CONNECTOR_NAME_CONFIG = "name";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static final Set<String> URI_SCHEMES = Set.of("tcp", "ssl", "ws", "wss");

    private final List<String> serverUris;
    private final List<TopicFilter> topicFilters;
    private final KafkaTopicTemplate kafkaTopic;
    private final KeySource keySource;
    private final ValueFormat valueFormat;
    private final TimestampFormat timestampFormat;
    private final ErrorHandling errorHandling;
    private final JsonPayloadParser.NumberMode numberMode;
    private final JsonSchemaInference.Settings jsonSchema;
    private final DeviceTimeWindow timeWindow;
    private final HeaderLimits headerLimits;
    private final Pattern kafkaTopicAllowPattern;

    public MqttSourceConnectorConfig(Map<String, String> props) {
        this(CONFIG_DEF, props);
    }

    protected MqttSourceConnectorConfig(ConfigDef def, Map<String, String> props) {
        super(def, props);
        this.serverUris = List.copyOf(getList(SERVER_URIS_CONFIG));
        this.topicFilters = parseFilters(getList(TOPICS_CONFIG), getString(SHARED_GROUP_CONFIG));
        this.kafkaTopic = KafkaTopicTemplate.parse(getString(KAFKA_TOPIC_CONFIG));
        this.keySource = Validators.parseEnum(KeySource.class, getString(KEY_SOURCE_CONFIG));
        this.valueFormat = Validators.parseEnum(ValueFormat.class, getString(VALUE_FORMAT_CONFIG));
        this.timestampFormat = Validators.parseEnum(TimestampFormat.class, getString(TIMESTAMP_FORMAT_CONFIG));
        this.errorHandling = Validators.parseEnum(ErrorHandling.class, getString(ERROR_HANDLING_CONFIG));
        this.numberMode = Validators.parseEnum(JsonPayloadParser.NumberMode.class, getString(JSON_NUMBER_MODE_CONFIG));
        this.jsonSchema = JsonSchemaConfigs.parse(this, "mqtt.");
        this.timeWindow = DeviceInputConfigs.parseTimeWindow(this, "mqtt.");
        this.headerLimits = DeviceInputConfigs.parseHeaderLimits(this, "mqtt.");
        String allow = getString(KAFKA_TOPIC_ALLOW_PATTERN_CONFIG);
        this.kafkaTopicAllowPattern = allow == null || allow.isBlank() ? null : Pattern.compile(allow.trim());
    }

    private static List<TopicFilter> parseFilters(List<String> texts, String sharedGroup) {
        List<TopicFilter> filters = new ArrayList<>(texts.size());
        for (String text : texts) {
            TopicFilter filter = TopicFilter.parse(text.trim());
            filters.add(sharedGroup == null || sharedGroup.isBlank() ? filter : filter.sharedAs(sharedGroup.trim()));
        }
        return List.copyOf(filters);
    }

    // ---- typed accessors ----

    public List<String> serverUris() {
        return serverUris;
    }

    public MqttVersion mqttVersion() {
        return MqttVersion.parse(getString(MQTT_VERSION_CONFIG));
    }

    /** The connector's name as Connect passes it, or "mqtt-source" when absent (unit tests). */
    public String connectorName() {
        String name = originalsStrings().get(CONNECTOR_NAME_CONFIG);
        return name == null || name.isBlank() ? "mqtt-source" : name;
    }

    public String clientIdPrefix() {
        String prefix = getString(CLIENT_ID_PREFIX_CONFIG);
        return prefix == null || prefix.isBlank() ? connectorName() : prefix.trim();
    }

    public boolean cleanStart() {
        return getBoolean(CLEAN_START_CONFIG);
    }

    public long sessionExpirySeconds() {
        return getLong(SESSION_EXPIRY_CONFIG);
    }

    public int keepAliveSeconds() {
        return getInt(KEEPALIVE_CONFIG);
    }

    public int connectionTimeoutSeconds() {
        return getInt(CONNECTION_TIMEOUT_CONFIG);
    }

    public Duration reconnectBackoffInitial() {
        return Duration.ofMillis(getLong(RECONNECT_BACKOFF_INITIAL_CONFIG));
    }

    public Duration reconnectBackoffMax() {
        return Duration.ofMillis(getLong(RECONNECT_BACKOFF_MAX_CONFIG));
    }

    public Optional<String> username() {
        return Optional.ofNullable(getString(USERNAME_CONFIG)).filter(s -> !s.isEmpty());
    }

    /** The password, if one is set; an empty one (a config that leaves the key blank) is none. */
    public Optional<Password> password() {
        return Optional.ofNullable(getPassword(PASSWORD_CONFIG)).filter(password -> !password.value().isEmpty());
    }

    public boolean allowPlaintextCredentials() {
        return getBoolean(ALLOW_PLAINTEXT_CREDENTIALS_CONFIG);
    }

    public List<TopicFilter> topicFilters() {
        return topicFilters;
    }

    public int qos() {
        return getInt(QOS_CONFIG);
    }

    public int receiveMaximum() {
        return getInt(RECEIVE_MAXIMUM_CONFIG);
    }

    public KafkaTopicTemplate kafkaTopic() {
        return kafkaTopic;
    }

    public KeySource keySource() {
        return keySource;
    }

    public int keyTopicLevel() {
        return getInt(KEY_TOPIC_LEVEL_CONFIG);
    }

    public Optional<FieldPath> keyField() {
        return optionalPath(KEY_FIELD_CONFIG);
    }

    public int keyMaxLength() {
        return getInt(KEY_MAX_LENGTH_CONFIG);
    }

    public ValueFormat valueFormat() {
        return valueFormat;
    }

    public boolean jsonStruct() {
        return getBoolean(JSON_STRUCT_CONFIG);
    }

    public JsonPayloadParser.NumberMode jsonNumberMode() {
        return numberMode;
    }

    /** The schema-inference settings of a Struct value. */
    public JsonSchemaInference.Settings jsonSchema() {
        return jsonSchema;
    }

    public JsonLimits jsonLimits() {
        int maxBytes = getInt(VALUE_MAX_BYTES_CONFIG);
        return DeviceInputConfigs.parseJsonLimits(this, "mqtt.", maxBytes, getInt(JSON_MAX_DEPTH_CONFIG));
    }

    public int valueMaxBytes() {
        return getInt(VALUE_MAX_BYTES_CONFIG);
    }

    public int errorPayloadMaxBytes() {
        return getInt(ERROR_PAYLOAD_MAX_BYTES_CONFIG);
    }

    /**
     * The QoS the subscriptions ask for: {@link #qos()}, but 1 where 2 was configured. Paho answers a QoS 2 PUBLISH with
     * PUBREC before the task has the message in Kafka, and the broker never resends a PUBLISH after PUBREC, so only
     * QoS 1's acknowledgement can wait for Kafka and survive a worker crash.
     */
    public int subscriptionQos() {
        return Math.min(qos(), 1);
    }

    public Optional<FieldPath> timestampField() {
        return optionalPath(TIMESTAMP_FIELD_CONFIG);
    }

    public TimestampFormat timestampFormat() {
        return timestampFormat;
    }

    public boolean headersEnabled() {
        return getBoolean(HEADERS_ENABLE_CONFIG);
    }

    public ErrorHandling errorHandling() {
        return errorHandling;
    }

    /** The window of device times taken as record times. */
    public DeviceTimeWindow timeWindow() {
        return timeWindow;
    }

    /** The bounds on the headers made of user properties. */
    public HeaderLimits headerLimits() {
        return headerLimits;
    }

    /** The pattern every Kafka topic a template gives must match, if one is set. */
    public Optional<Pattern> kafkaTopicAllowPattern() {
        return Optional.ofNullable(kafkaTopicAllowPattern);
    }

    public int kafkaTopicMaxDistinct() {
        return getInt(KAFKA_TOPIC_MAX_DISTINCT_CONFIG);
    }

    public long queueMaxBytes() {
        return getLong(QUEUE_MAX_BYTES_CONFIG);
    }

    public long packetMaxBytes() {
        return getLong(PACKET_MAX_BYTES_CONFIG);
    }

    /** The error topic, defaulting to '<connector name>-errors' with characters Kafka refuses replaced by '_'. */
    public String errorTopic() {
        String topic = getString(ERROR_TOPIC_CONFIG);
        if (topic != null && !topic.isBlank()) {
            return topic.trim();
        }
        return connectorName().replaceAll("[^a-zA-Z0-9._-]", "_") + "-errors";
    }

    public int queueCapacity() {
        return getInt(QUEUE_CAPACITY_CONFIG);
    }

    public int pollMaxRecords() {
        return getInt(POLL_MAX_RECORDS_CONFIG);
    }

    public Duration pollMaxWait() {
        return Duration.ofMillis(getLong(POLL_MAX_WAIT_CONFIG));
    }

    /** TLS settings, read only by the client when a URI asks for TLS. */
    public TlsSettings tls() {
        return new TlsSettings(
                getString(SSL_PROTOCOL_CONFIG),
                getString(SSL_TRUSTSTORE_TYPE_CONFIG).toUpperCase(Locale.ROOT),
                getString(SSL_TRUSTSTORE_LOCATION_CONFIG),
                getPassword(SSL_TRUSTSTORE_PASSWORD_CONFIG),
                getPassword(SSL_TRUSTSTORE_CERTIFICATES_CONFIG),
                getString(SSL_KEYSTORE_TYPE_CONFIG).toUpperCase(Locale.ROOT),
                getString(SSL_KEYSTORE_LOCATION_CONFIG),
                getPassword(SSL_KEYSTORE_PASSWORD_CONFIG),
                getPassword(SSL_KEY_PASSWORD_CONFIG),
                getPassword(SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG),
                getPassword(SSL_KEYSTORE_KEY_CONFIG),
                getBoolean(SSL_ENDPOINT_IDENTIFICATION_CONFIG));
    }

    /** True when any broker URI needs TLS. */
    public boolean usesTls() {
        return serverUris.stream().anyMatch(uri -> uri.startsWith("ssl://") || uri.startsWith("wss://"));
    }

    private Optional<FieldPath> optionalPath(String key) {
        String path = getString(key);
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(FieldPath.parse(path));
    }

    // ---- definition ----

    private static ConfigDef configDef() {
        int order = 0;
        ConfigDef def = new ConfigDef();
        def.define(SERVER_URIS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new ServerUriValidator(), Importance.HIGH,
                SERVER_URIS_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Broker URIs");
        def.define(MQTT_VERSION_CONFIG, Type.STRING, MQTT_VERSION_DEFAULT, ConfigDef.ValidString.in("5", "3.1.1"), Importance.MEDIUM,
                MQTT_VERSION_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "MQTT version");
        def.define(CLIENT_ID_PREFIX_CONFIG, Type.STRING, "", new ClientIdPrefixValidator(), Importance.MEDIUM,
                CLIENT_ID_PREFIX_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Client id prefix");
        def.define(CLEAN_START_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                CLEAN_START_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Clean start");
        def.define(SESSION_EXPIRY_CONFIG, Type.LONG, SESSION_EXPIRY_DEFAULT, ConfigDef.Range.between(0L, 4_294_967_295L), Importance.MEDIUM,
                SESSION_EXPIRY_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Session expiry (s)");
        def.define(KEEPALIVE_CONFIG, Type.INT, 30, ConfigDef.Range.between(1, 65535), Importance.LOW,
                KEEPALIVE_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Keep-alive (s)");
        def.define(CONNECTION_TIMEOUT_CONFIG, Type.INT, 30, ConfigDef.Range.between(1, 600), Importance.LOW,
                CONNECTION_TIMEOUT_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Connection timeout (s)");
        def.define(RECONNECT_BACKOFF_INITIAL_CONFIG, Type.LONG, 500L, ConfigDef.Range.between(10L, 3_600_000L), Importance.LOW,
                RECONNECT_BACKOFF_INITIAL_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Reconnect back-off initial (ms)");
        def.define(RECONNECT_BACKOFF_MAX_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(10L, 3_600_000L), Importance.LOW,
                RECONNECT_BACKOFF_MAX_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Reconnect back-off max (ms)");
        def.define(USERNAME_CONFIG, Type.STRING, null, Importance.HIGH,
                USERNAME_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "User name");
        def.define(PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                PASSWORD_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Password");
        def.define(ALLOW_PLAINTEXT_CREDENTIALS_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM,
                ALLOW_PLAINTEXT_CREDENTIALS_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Allow credentials without TLS");

        order = 0;
        def.define(TOPICS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, new TopicFiltersValidator(), Importance.HIGH,
                TOPICS_DOC, SUBSCRIPTION_GROUP, ++order, Width.LONG, "Topic filters");
        def.define(QOS_CONFIG, Type.INT, QOS_DEFAULT, ConfigDef.Range.between(0, 2), Importance.HIGH,
                QOS_DOC, SUBSCRIPTION_GROUP, ++order, Width.SHORT, "QoS");
        def.define(SHARED_GROUP_CONFIG, Type.STRING, "", new ShareGroupValidator(), Importance.MEDIUM,
                SHARED_GROUP_DOC, SUBSCRIPTION_GROUP, ++order, Width.MEDIUM, "Shared subscription group");
        def.define(RECEIVE_MAXIMUM_CONFIG, Type.INT, 1000, ConfigDef.Range.between(1, 65535), Importance.LOW,
                RECEIVE_MAXIMUM_DOC, SUBSCRIPTION_GROUP, ++order, Width.SHORT, "Receive maximum");

        order = 0;
        def.define(SSL_PROTOCOL_CONFIG, Type.STRING, "TLS", ConfigDef.ValidString.in("TLS", "TLSv1.2", "TLSv1.3"), Importance.LOW,
                SSL_PROTOCOL_DOC, SECURITY_GROUP, ++order, Width.SHORT, "TLS protocol");
        def.define(SSL_TRUSTSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS", "PEM"), Importance.MEDIUM,
                SSL_TRUSTSTORE_TYPE_DOC, SECURITY_GROUP, ++order, Width.SHORT, "Trust store type");
        def.define(SSL_TRUSTSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM,
                SSL_TRUSTSTORE_LOCATION_DOC, SECURITY_GROUP, ++order, Width.LONG, "Trust store location");
        def.define(SSL_TRUSTSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_TRUSTSTORE_PASSWORD_DOC, SECURITY_GROUP, ++order, Width.MEDIUM, "Trust store password");
        def.define(SSL_TRUSTSTORE_CERTIFICATES_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_TRUSTSTORE_CERTIFICATES_DOC, SECURITY_GROUP, ++order, Width.LONG, "Trusted certificates (PEM)");
        def.define(SSL_KEYSTORE_TYPE_CONFIG, Type.STRING, "PKCS12", ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS", "PEM"), Importance.MEDIUM,
                SSL_KEYSTORE_TYPE_DOC, SECURITY_GROUP, ++order, Width.SHORT, "Key store type");
        def.define(SSL_KEYSTORE_LOCATION_CONFIG, Type.STRING, null, Importance.MEDIUM,
                SSL_KEYSTORE_LOCATION_DOC, SECURITY_GROUP, ++order, Width.LONG, "Key store location");
        def.define(SSL_KEYSTORE_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_KEYSTORE_PASSWORD_DOC, SECURITY_GROUP, ++order, Width.MEDIUM, "Key store password");
        def.define(SSL_KEY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_KEY_PASSWORD_DOC, SECURITY_GROUP, ++order, Width.MEDIUM, "Key password");
        def.define(SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_KEYSTORE_CERTIFICATE_CHAIN_DOC, SECURITY_GROUP, ++order, Width.LONG, "Client certificate chain (PEM)");
        def.define(SSL_KEYSTORE_KEY_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                SSL_KEYSTORE_KEY_DOC, SECURITY_GROUP, ++order, Width.LONG, "Client key (PEM)");
        def.define(SSL_ENDPOINT_IDENTIFICATION_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                SSL_ENDPOINT_IDENTIFICATION_DOC, SECURITY_GROUP, ++order, Width.SHORT, "Verify broker host name");

        order = 0;
        def.define(KAFKA_TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new KafkaTopicTemplateValidator(), Importance.HIGH,
                KAFKA_TOPIC_DOC, MAPPING_GROUP, ++order, Width.LONG, "Kafka topic");
        def.define(KAFKA_TOPIC_ALLOW_PATTERN_CONFIG, Type.STRING, "", Validators.regex(), Importance.MEDIUM,
                KAFKA_TOPIC_ALLOW_PATTERN_DOC, MAPPING_GROUP, ++order, Width.LONG, "Allowed Kafka topics");
        def.define(KAFKA_TOPIC_MAX_DISTINCT_CONFIG, Type.INT, KAFKA_TOPIC_MAX_DISTINCT_DEFAULT, ConfigDef.Range.between(1, 100_000),
                Importance.LOW, KAFKA_TOPIC_MAX_DISTINCT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Max distinct Kafka topics");
        def.define(KEY_SOURCE_CONFIG, Type.STRING, KEY_SOURCE_DEFAULT, Validators.oneOf(KeySource.class), Importance.HIGH,
                KEY_SOURCE_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Key source");
        def.define(KEY_TOPIC_LEVEL_CONFIG, Type.INT, -1, new NonZeroValidator(), Importance.MEDIUM,
                KEY_TOPIC_LEVEL_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Key topic level");
        def.define(KEY_FIELD_CONFIG, Type.STRING, null, new FieldPathValidator(), Importance.MEDIUM,
                KEY_FIELD_DOC, MAPPING_GROUP, ++order, Width.MEDIUM, "Key field");
        def.define(KEY_MAX_LENGTH_CONFIG, Type.INT, KEY_MAX_LENGTH_DEFAULT, ConfigDef.Range.between(1, 65_535), Importance.LOW,
                KEY_MAX_LENGTH_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Max device id length");
        def.define(VALUE_FORMAT_CONFIG, Type.STRING, VALUE_FORMAT_DEFAULT, Validators.oneOf(ValueFormat.class), Importance.HIGH,
                VALUE_FORMAT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Value format");
        def.define(JSON_STRUCT_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                JSON_STRUCT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "JSON as Struct");
        def.define(JSON_NUMBER_MODE_CONFIG, Type.STRING, JSON_NUMBER_MODE_DEFAULT, Validators.oneOf(JsonPayloadParser.NumberMode.class), Importance.LOW,
                JSON_NUMBER_MODE_DOC, MAPPING_GROUP, ++order, Width.SHORT, "JSON number mode");
        order = JsonSchemaConfigs.define(def, JSON_SCHEMA_TERMS, MAPPING_GROUP, order);
        def.define(VALUE_MAX_BYTES_CONFIG, Type.INT, VALUE_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1, 64 * 1024 * 1024), Importance.LOW,
                VALUE_MAX_BYTES_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Max payload bytes");
        def.define(JSON_MAX_DEPTH_CONFIG, Type.INT, 64, ConfigDef.Range.between(1, 1000), Importance.LOW,
                JSON_MAX_DEPTH_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Max JSON depth");
        order = DeviceInputConfigs.defineJsonBounds(def, DEVICE_INPUT_TERMS, MAPPING_GROUP, order);
        def.define(TIMESTAMP_FIELD_CONFIG, Type.STRING, null, new FieldPathValidator(), Importance.MEDIUM,
                TIMESTAMP_FIELD_DOC, MAPPING_GROUP, ++order, Width.MEDIUM, "Timestamp field");
        def.define(TIMESTAMP_FORMAT_CONFIG, Type.STRING, TIMESTAMP_FORMAT_DEFAULT, Validators.oneOf(TimestampFormat.class), Importance.MEDIUM,
                TIMESTAMP_FORMAT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Timestamp format");
        order = DeviceInputConfigs.defineTimeWindow(def, DEVICE_INPUT_TERMS, MAPPING_GROUP, order);
        def.define(HEADERS_ENABLE_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                HEADERS_ENABLE_DOC, MAPPING_GROUP, ++order, Width.SHORT, "MQTT headers");
        order = DeviceInputConfigs.defineHeaderLimits(def, DEVICE_INPUT_TERMS, MAPPING_GROUP, order);

        order = 0;
        def.define(ERROR_HANDLING_CONFIG, Type.STRING, ERROR_HANDLING_DEFAULT, Validators.oneOf(ErrorHandling.class), Importance.HIGH,
                ERROR_HANDLING_DOC, ERRORS_GROUP, ++order, Width.SHORT, "Malformed message handling");
        def.define(ERROR_TOPIC_CONFIG, Type.STRING, "", Validators.kafkaTopic(true), Importance.MEDIUM,
                ERROR_TOPIC_DOC, ERRORS_GROUP, ++order, Width.MEDIUM, "Error topic");
        def.define(ERROR_PAYLOAD_MAX_BYTES_CONFIG, Type.INT, ERROR_PAYLOAD_MAX_BYTES_DEFAULT, ConfigDef.Range.between(0, 512 * 1024),
                Importance.LOW, ERROR_PAYLOAD_MAX_BYTES_DOC, ERRORS_GROUP, ++order, Width.SHORT, "Error payload max bytes");

        order = 0;
        def.define(QUEUE_CAPACITY_CONFIG, Type.INT, 10_000, ConfigDef.Range.between(1, 10_000_000), Importance.LOW,
                QUEUE_CAPACITY_DOC, FLOW_GROUP, ++order, Width.SHORT, "Queue capacity");
        def.define(QUEUE_MAX_BYTES_CONFIG, Type.LONG, QUEUE_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1024L, 16L * 1024 * 1024 * 1024),
                Importance.LOW, QUEUE_MAX_BYTES_DOC, FLOW_GROUP, ++order, Width.SHORT, "Queue max bytes");
        def.define(PACKET_MAX_BYTES_CONFIG, Type.LONG, PACKET_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1024L, 268_435_455L),
                Importance.LOW, PACKET_MAX_BYTES_DOC, FLOW_GROUP, ++order, Width.SHORT, "Max MQTT packet bytes");
        def.define(POLL_MAX_RECORDS_CONFIG, Type.INT, 2000, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                POLL_MAX_RECORDS_DOC, FLOW_GROUP, ++order, Width.SHORT, "Max records per poll");
        def.define(POLL_MAX_WAIT_CONFIG, Type.LONG, 200L, ConfigDef.Range.between(1L, 60_000L), Importance.LOW,
                POLL_MAX_WAIT_DOC, FLOW_GROUP, ++order, Width.SHORT, "Max poll wait (ms)");
        return def;
    }

    // ---- validators ----

    /** Checks one broker URI; null when fine, else the problem. */
    static String checkServerUri(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            return "'" + text + "' is not a URI: " + e.getReason();
        }
        if (uri.getScheme() == null || !URI_SCHEMES.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return "'" + text + "' must start with tcp://, ssl://, ws:// or wss://, as in tcp://broker:1883";
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            return "'" + text + "' has no host; write it as " + uri.getScheme() + "://host:port";
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            return "'" + text + "' has port " + uri.getPort() + "; a port is a number from 1 to 65535, like "
                    + uri.getScheme() + "://" + uri.getHost() + ":1883";
        }
        return null;
    }

    private static final class ServerUriValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            Validators.nonEmptyList().ensureValid(name, value);
            for (Object uri : (List<?>) value) {
                String problem = checkServerUri(uri.toString());
                if (problem != null) {
                    throw new ConfigException(name, value, problem);
                }
            }
        }

        @Override
        public String toString() {
            return "tcp://host:port, ssl://host:port, ws://host:port/path, wss://host:port/path";
        }
    }

    private static final class TopicFiltersValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            Validators.nonEmptyList().ensureValid(name, value);
            for (Object filter : (List<?>) value) {
                try {
                    TopicFilter.parse(filter.toString().trim());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage());
                }
            }
        }

        @Override
        public String toString() {
            return "MQTT topic filters, e.g. devices/+/telemetry,$share/ingest/alarms/#";
        }
    }

    private static final class ShareGroupValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String group = value == null ? "" : value.toString().trim();
            if (group.contains("/") || group.contains("+") || group.contains("#")) {
                throw new ConfigException(name, value, "a share group name must not contain '/', '+' or '#'");
            }
        }

        @Override
        public String toString() {
            return "empty, or a name without '/', '+', '#'";
        }
    }

    private static final class ClientIdPrefixValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String prefix = value == null ? "" : value.toString();
            if (prefix.length() > 200) {
                throw new ConfigException(name, value, "a client id prefix longer than 200 characters is refused by most brokers");
            }
        }

        @Override
        public String toString() {
            return "empty, or up to 200 characters";
        }
    }

    private static final class KafkaTopicTemplateValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                KafkaTopicTemplate.parse(value == null ? null : value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "a Kafka topic name or a template such as telemetry.${2}";
        }
    }

    private static final class FieldPathValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            if (value == null || value.toString().isBlank()) {
                return;
            }
            try {
                FieldPath.parse(value.toString());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "empty, or a field name; nested fields with dots (meta.deviceId)";
        }
    }

    private static final class NonZeroValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            int level = (Integer) value;
            if (level == 0 || Math.abs(level) > 1000) {
                throw new ConfigException(name, value, "count topic levels from 1 (first) or from -1 (last)");
            }
        }

        @Override
        public String toString() {
            return "1, 2, ... from the first level; -1, -2, ... from the last";
        }
    }
}
