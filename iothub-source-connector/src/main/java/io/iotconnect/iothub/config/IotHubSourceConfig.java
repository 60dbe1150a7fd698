package io.iotconnect.iothub.config;

import io.iotconnect.common.azure.EntraIdCredentials;
import io.iotconnect.common.config.DeviceInputConfigs;
import io.iotconnect.common.config.JsonSchemaConfigs;
import io.iotconnect.common.config.Validators;
import io.iotconnect.common.json.JsonLimits;
import io.iotconnect.common.json.JsonPayloadParser;
import io.iotconnect.common.json.JsonSchemaInference;
import io.iotconnect.common.source.DeviceTimeWindow;
import io.iotconnect.common.source.HeaderLimits;
import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Configuration of the IoT Hub source connector: every key, its default, validator and documentation. */
public class IotHubSourceConfig extends AbstractConfig {

    private static final String CONNECTION_GROUP = "Connection";
    private static final String READING_GROUP = "Reading";
    private static final String MAPPING_GROUP = "Mapping";
    private static final String ERRORS_GROUP = "Error handling";

    // ---- Connection ----
    public static final String AUTH_TYPE_CONFIG = "iothub.auth.type";
    public static final String AUTH_TYPE_DEFAULT = "connection-string";
    private static final String AUTH_TYPE_DOC = "How the connector signs in: 'connection-string' (the Event Hubs-compatible "
            + "connection string in iothub.connection.string, with a shared access policy such as 'service' that has the "
            + "ServiceConnect permission), or with Microsoft Entra ID: 'client-secret' (a service principal: "
            + "iothub.auth.tenant.id, iothub.auth.client.id, iothub.auth.client.secret), 'managed-identity' (the worker's "
            + "Azure identity; iothub.auth.client.id picks a user-assigned one) or 'workload-identity' (AKS workload "
            + "identity, from the AZURE_* variables the pod gets). Entra ID needs iothub.namespace and "
            + "iothub.eventhub.name, and a role such as 'Azure Event Hubs Data Receiver' on the Event Hub.";

    public static final String CONNECTION_STRING_CONFIG = "iothub.connection.string";
    private static final String CONNECTION_STRING_DOC = "With iothub.auth.type=connection-string: the Event Hubs-compatible "
            + "connection string (IoT Hub > Built-in endpoints), Endpoint=sb://<namespace>/;SharedAccessKeyName=...;"
            + "SharedAccessKey=...;EntityPath=<event hub name>. Passed to the SDK unchanged, so its options (such as "
            + "UseDevelopmentEmulator=true for a local endpoint) apply. Never logged; keep it out of connector JSON with a "
            + "config provider, like ${file:/etc/connect/iothub.properties:connection.string} or ${env:IOTHUB_CONNECTION}.";

    public static final String NAMESPACE_CONFIG = "iothub.namespace";
    private static final String NAMESPACE_DOC = "With Entra ID: the fully qualified Event Hubs namespace of the built-in "
            + "endpoint, like ihsuprodamres001dednamespace.servicebus.windows.net (the host in the Event Hubs-compatible "
            + "endpoint, without sb:// and /).";

    public static final String EVENTHUB_NAME_CONFIG = "iothub.eventhub.name";
    private static final String EVENTHUB_NAME_DOC = "The Event Hub-compatible name of the built-in endpoint (or any Event "
            + "Hub's name). Needed with Entra ID; with a connection string it is taken from EntityPath when empty, and must "
            + "equal EntityPath when both are given. It names the source partitions of the offsets.";

    public static final String TENANT_ID_CONFIG = "iothub.auth.tenant.id";
    private static final String TENANT_ID_DOC = "Microsoft Entra tenant (directory) id of the service principal: needed with "
            + "client-secret; with workload-identity it overrides AZURE_TENANT_ID.";

    public static final String CLIENT_ID_CONFIG = "iothub.auth.client.id";
    private static final String CLIENT_ID_DOC = "Application (client) id: of the service principal with client-secret (needed), "
            + "of a user-assigned managed identity with managed-identity (empty: the system-assigned one), or overriding "
            + "AZURE_CLIENT_ID with workload-identity.";

    public static final String CLIENT_SECRET_CONFIG = "iothub.auth.client.secret";
    private static final String CLIENT_SECRET_DOC = "With iothub.auth.type=client-secret: the service principal's secret. Keep "
            + "it out of connector JSON with a config provider.";

    public static final String AUTHORITY_HOST_CONFIG = "iothub.auth.authority.host";
    private static final String AUTHORITY_HOST_DOC = "Microsoft Entra authority for client-secret and workload-identity, for "
            + "national clouds, like https://login.microsoftonline.us/. Empty: the public cloud.";

    public static final String CONSUMER_GROUP_CONFIG = "iothub.consumer.group";
    public static final String CONSUMER_GROUP_DEFAULT = "$Default";
    private static final String CONSUMER_GROUP_DOC = "Consumer group the connector reads through. Give the connector a "
            + "consumer group of its own (IoT Hub > Built-in endpoints > Consumer groups): other readers of the same group "
            + "count against the service's limit of 5 readers per partition and group, and a reader with an owner level "
            + "takes the partitions away from the connector (see iothub.owner.level). The offsets do not depend on it: "
            + "changing the group keeps each partition's position.";

    public static final String TRANSPORT_CONFIG = "iothub.transport";
    public static final String TRANSPORT_DEFAULT = "amqp";
    private static final String TRANSPORT_DOC = "'amqp' (AMQP over TLS, port 5671) or 'amqp-web-sockets' (AMQP over "
            + "WebSockets, port 443: for firewalls that open only 443, and needed with a proxy).";

    public static final String CUSTOM_ENDPOINT_CONFIG = "iothub.custom.endpoint.address";
    private static final String CUSTOM_ENDPOINT_DOC = "Where to open the connection instead of the namespace's own host, "
            + "as https://host[:port]: an application gateway, a private link address or a TLS relay in between. Without a "
            + "port, the transport's (5671 for amqp, 443 for amqp-web-sockets). The namespace from the connection string "
            + "or iothub.namespace still names the hub in the AMQP session and the token audience, and TLS is always on; "
            + "the relay's certificate must be trusted by the worker's JVM. Empty: connect to the namespace.";

    public static final String ALLOW_PLAINTEXT_ENDPOINT_CONFIG = "iothub.allow.plaintext.endpoint";
    private static final String ALLOW_PLAINTEXT_ENDPOINT_DOC = "Accept a connection string with UseDevelopmentEmulator=true "
            + "(AMQP without TLS, so the shared access key crosses the network in clear text) for an endpoint that is not "
            + "on this machine. Off, such a connection string is refused, naming the fix; an emulator on localhost, "
            + "127.0.0.1 or ::1 is always accepted.";

    public static final String PROXY_HOST_CONFIG = "iothub.proxy.host";
    private static final String PROXY_HOST_DOC = "HTTP proxy host for AMQP over WebSockets (iothub.transport=amqp-web-sockets). "
            + "Empty: no proxy.";

    public static final String PROXY_PORT_CONFIG = "iothub.proxy.port";
    private static final String PROXY_PORT_DOC = "HTTP proxy port, with iothub.proxy.host.";

    public static final String PROXY_USERNAME_CONFIG = "iothub.proxy.username";
    private static final String PROXY_USERNAME_DOC = "User name for a proxy that asks for one, sent with basic "
            + "authentication (the only proxy authentication the connector offers; a proxy that asks for digest or NTLM "
            + "refuses the connection). Empty: no proxy authentication.";

    public static final String PROXY_PASSWORD_CONFIG = "iothub.proxy.password";
    private static final String PROXY_PASSWORD_DOC = "Password for the proxy user. Never logged.";

    public static final String RETRY_MAX_RETRIES_CONFIG = "iothub.retry.max.retries";
    private static final String RETRY_MAX_RETRIES_DOC = "The SDK's retries of one operation (opening the connection, a "
            + "link, a management request) before it reports the failure. The connector itself never gives up on a "
            + "transient failure of a partition's receive: it reopens it with back-off for as long as the task runs.";

    public static final String RETRY_DELAY_CONFIG = "iothub.retry.delay.ms";
    private static final String RETRY_DELAY_DOC = "First delay of the SDK's exponential retries, and of the connector's "
            + "back-off before it reopens a partition's receive; it doubles on each failure in a row (with jitter) up to "
            + "iothub.retry.max.delay.ms.";

    public static final String RETRY_MAX_DELAY_CONFIG = "iothub.retry.max.delay.ms";
    private static final String RETRY_MAX_DELAY_DOC = "Longest delay between retries, of the SDK and of the connector's reopening.";

    public static final String RETRY_TRY_TIMEOUT_CONFIG = "iothub.retry.try.timeout.ms";
    private static final String RETRY_TRY_TIMEOUT_DOC = "How long one attempt of an SDK operation may take. A wrong host or "
            + "blocked port shows only after this (times the retries), when the connector starts and looks up the partitions.";

    // ---- Reading ----
    public static final String START_POSITION_CONFIG = "iothub.start.position";
    public static final String START_POSITION_DEFAULT = "earliest";
    private static final String START_POSITION_DOC = "Where a partition without a committed offset starts: 'earliest' (the "
            + "oldest event the hub retains), 'latest' (events enqueued from the moment the task opens the partition) or an "
            + "ISO-8601 time with an offset, like 2026-01-02T03:04:05Z (the first event enqueued after it). A partition with "
            + "an offset always resumes right after it. A partition opened at 'latest' or a time logs at WARN how many "
            + "events the hub held before its first one (metric events-skipped-at-start-total).";

    public static final String OWNER_LEVEL_CONFIG = "iothub.owner.level";
    private static final String OWNER_LEVEL_DOC = "Empty (default): the connector reads without an owner level (epoch), so "
            + "other readers of the consumer group, like 'az iot hub monitor-events', coexist with it. A number from 0: the "
            + "connector reads as the partitions' exclusive owner at that level; readers without a level, or with a lower "
            + "one, are disconnected. Either way, a reader with a higher level takes a partition away from the connector.";

    public static final String SEQUENCE_GAP_HANDLING_CONFIG = "iothub.sequence.gap.handling";
    public static final String SEQUENCE_GAP_HANDLING_DEFAULT = "log";
    private static final String SEQUENCE_GAP_HANDLING_DOC = "What happens when a partition's next event is not the one after "
            + "the sequence number it had reached (its committed offset, or the last event read): the events between were "
            + "deleted by the hub's retention (1 to 7 days on IoT Hub) while the connector was stopped or fell behind, or "
            + "the offset was moved past them. 'log': a WARN names the missing range, metrics sequence-gaps-total and "
            + "sequence-gap-events-total count it, and reading goes on. 'fail': the task fails naming the range, for "
            + "pipelines where a silent loss is worse than a stop. Either way an event at or below the reached sequence "
            + "number is dropped and counted (events-replayed-dropped-total), never written twice.";

    public static final String RECEIVE_MAX_FAILURES_CONFIG = "iothub.receive.max.failures";
    private static final String RECEIVE_MAX_FAILURES_DOC = "How many times in a row a partition's receive may end in a failure "
            + "that retrying does not cure (the partition taken by a reader with a higher owner level, an unknown consumer "
            + "group, no permission) before the task fails with the reason. The count restarts once a receive has run for "
            + "a minute. Transient failures (a detached link, a closed connection, server busy) never count.";

    public static final String PREFETCH_COUNT_CONFIG = "iothub.prefetch.count";
    private static final String PREFETCH_COUNT_DOC = "Events the SDK fetches ahead per partition (AMQP link credit). The "
            + "connector asks for no more than its buffer has room for, so this bounds the SDK's own queue.";

    public static final String BUFFER_CAPACITY_CONFIG = "iothub.buffer.capacity";
    private static final String BUFFER_CAPACITY_DOC = "Events held in memory per task between the SDK and Kafka, shared "
            + "equally by the task's partitions (at least one each). A partition whose share is full is not read further "
            + "until Connect has taken its events (back-pressure), so memory stays bounded.";

    public static final String BUFFER_MAX_BYTES_CONFIG = "iothub.buffer.max.bytes";
    public static final long BUFFER_MAX_BYTES_DEFAULT = 64L * 1024 * 1024;
    private static final String BUFFER_MAX_BYTES_DOC = "Event body bytes held in memory per task between the SDK and Kafka, "
            + "shared equally by the task's partitions, beside iothub.buffer.capacity: a partition whose bytes are full "
            + "is not read further until Connect has taken its events (each partition may overshoot by the 64 events it "
            + "has asked for). The SDK itself holds up to iothub.prefetch.count events per partition besides: with large "
            + "events, lower that too.";

    public static final String POLL_MAX_RECORDS_CONFIG = "iothub.poll.max.records";
    private static final String POLL_MAX_RECORDS_DOC = "Most records handed to Connect in one poll.";

    public static final String POLL_MAX_WAIT_CONFIG = "iothub.poll.max.wait.ms";
    private static final String POLL_MAX_WAIT_DOC = "Longest a poll waits for the first event before returning nothing.";

    public static final String PARTITION_CHECK_INTERVAL_CONFIG = "iothub.partition.check.interval.ms";
    private static final String PARTITION_CHECK_INTERVAL_DOC = "How often the connector looks up the hub's partitions; when "
            + "they change (partitions added to an Event Hub) it asks Connect to reassign them to tasks. 0: only at start.";

    // ---- Mapping ----
    public static final String TOPIC_CONFIG = "iothub.topic";
    private static final String TOPIC_DOC = "Kafka topic for the records (events whose message source has no topic of its own "
            + "in iothub.topic.by.message.source).";

    public static final String TOPIC_BY_SOURCE_CONFIG = "iothub.topic.by.message.source";
    private static final String TOPIC_BY_SOURCE_DOC = "Topics by IoT Hub message source (the iothub-message-source "
            + "property), as a list of source:topic pairs, like twinChangeEvents:device-twins,deviceLifecycleEvents:"
            + "device-lifecycle. Sources match case-insensitively; events of other sources (Telemetry, and events "
            + "without a source, as from a plain Event Hub) go to iothub.topic.";

    public static final String VALUE_FORMAT_CONFIG = "iothub.value.format";
    public static final String VALUE_FORMAT_DEFAULT = "json";
    private static final String VALUE_FORMAT_DOC = "How the event body becomes the record value: 'bytes' (as is), 'string' "
            + "(UTF-8 text; invalid UTF-8 is malformed), or 'json' (parsed; a Struct with an inferred schema or a schemaless "
            + "Map, see iothub.value.json.struct). The same formats as the MQTT source.";

    public static final String JSON_STRUCT_CONFIG = "iothub.value.json.struct";
    private static final String JSON_STRUCT_DOC = "With format 'json': true for a Struct whose schema is inferred from the "
            + "body (one schema per shape, cached), false for a schemaless Map.";

    public static final String JSON_NUMBER_MODE_CONFIG = "iothub.value.json.number.mode";
    public static final String JSON_NUMBER_MODE_DEFAULT = "infer";
    private static final String JSON_NUMBER_MODE_DOC = "With format 'json': 'infer' makes integer literals int64 and others "
            + "float64; 'float64' makes every number float64, so a device that prints 21 for 21.0 keeps one schema.";

    // The schema-inference keys, defined, documented and parsed by JsonSchemaConfigs for every JSON source.
    public static final String JSON_FIELD_NAMES_CONFIG = "iothub." + JsonSchemaConfigs.FIELD_NAMES;
    public static final String JSON_SCHEMA_NAME_CONFIG = "iothub." + JsonSchemaConfigs.SCHEMA_NAME;
    public static final String JSON_SCHEMA_SCOPE_CONFIG = "iothub." + JsonSchemaConfigs.SCHEMA_SCOPE;
    public static final String JSON_NUMBER_DRIFT_CONFIG = "iothub." + JsonSchemaConfigs.NUMBER_DRIFT;
    public static final String SCHEMA_CACHE_SIZE_CONFIG = "iothub." + JsonSchemaConfigs.CACHE_SIZE;
    private static final JsonSchemaConfigs.Terms JSON_SCHEMA_TERMS = new JsonSchemaConfigs.Terms("iothub.", "body", "event",
            "iothub.timestamp.field", " (iothub.topic, or the topic of its message source)", "device-telemetry");

    public static final String VALUE_MAX_BYTES_CONFIG = "iothub.value.max.bytes";
    public static final int VALUE_MAX_BYTES_DEFAULT = 512 * 1024;
    private static final String VALUE_MAX_BYTES_DOC = "Largest body turned into a record; a larger one is malformed and goes "
            + "to the error topic as a bounded prefix with its size and SHA-256 digest. IoT Hub messages are at most 256 KB, "
            + "so this matters for plain Event Hubs (up to 1 MB, or more on premium tiers).";

    public static final String JSON_MAX_DEPTH_CONFIG = "iothub.value.json.max.depth";
    private static final String JSON_MAX_DEPTH_DOC = "Deepest nesting of JSON objects and arrays accepted; deeper bodies are malformed.";

    public static final String TIMESTAMP_SOURCE_CONFIG = "iothub.timestamp.source";
    public static final String TIMESTAMP_SOURCE_DEFAULT = "enqueued-time";
    private static final String TIMESTAMP_SOURCE_DOC = "Where the Kafka record timestamp comes from: 'enqueued-time' (when "
            + "the event was enqueued in its partition) or 'payload-field' (the JSON field iothub.timestamp.field, the "
            + "device's reading time; a body without it gets the enqueued time).";

    public static final String TIMESTAMP_FIELD_CONFIG = "iothub.timestamp.field";
    private static final String TIMESTAMP_FIELD_DOC = "With timestamp source 'payload-field': the JSON field with the "
            + "reading's time, nested with dots (meta.ts). A value that does not parse in iothub.timestamp.format makes the "
            + "event malformed; a time outside iothub.timestamp.max.future and iothub.timestamp.max.past of the "
            + "connector's clock is handled as iothub.timestamp.out.of.range says.";

    private static final DeviceInputConfigs.Terms DEVICE_INPUT_TERMS = new DeviceInputConfigs.Terms("iothub.", "event",
            "the time IoT Hub enqueued the event", "iothub.timestamp.field", "application properties",
            "iothub.property.<name>", "iothub.error.topic");
    public static final String TIMESTAMP_MAX_FUTURE_CONFIG = "iothub." + DeviceInputConfigs.TIMESTAMP_MAX_FUTURE;
    public static final String TIMESTAMP_MAX_PAST_CONFIG = "iothub." + DeviceInputConfigs.TIMESTAMP_MAX_PAST;
    public static final String TIMESTAMP_OUT_OF_RANGE_CONFIG = "iothub." + DeviceInputConfigs.TIMESTAMP_OUT_OF_RANGE;
    public static final String HEADERS_MAX_COUNT_CONFIG = "iothub." + DeviceInputConfigs.HEADERS_MAX_COUNT;
    public static final String HEADERS_MAX_BYTES_CONFIG = "iothub." + DeviceInputConfigs.HEADERS_MAX_BYTES;
    public static final String HEADERS_OVERFLOW_CONFIG = "iothub." + DeviceInputConfigs.HEADERS_OVERFLOW;
    public static final String JSON_MAX_FIELDS_CONFIG = "iothub." + DeviceInputConfigs.JSON_MAX_FIELDS;
    public static final String JSON_MAX_FIELD_NAME_LENGTH_CONFIG = "iothub." + DeviceInputConfigs.JSON_MAX_FIELD_NAME_LENGTH;
    public static final String JSON_MAX_TOPIC_FIELDS_CONFIG = "iothub." + JsonSchemaConfigs.MAX_TOPIC_FIELDS;

    public static final String TIMESTAMP_FORMAT_CONFIG = "iothub.timestamp.format";
    public static final String TIMESTAMP_FORMAT_DEFAULT = "auto";
    private static final String TIMESTAMP_FORMAT_DOC = "Format of the timestamp field. 'auto': a number (or a string of one) "
            + "is epoch seconds below 1e11 and epoch milliseconds from 1e11 up to 1e14 (larger is malformed: likely micro- "
            + "or nanoseconds); any other string must be ISO-8601 with an offset or Z. Fixed formats: 'epoch-millis', "
            + "'epoch-seconds', 'iso-8601'. Times before 1970 are malformed.";

    public static final String HEADERS_ENABLE_CONFIG = "iothub.headers.enable";
    private static final String HEADERS_ENABLE_DOC = "Add the event's metadata as record headers: iothub.enqueued.time "
            + "(epoch ms), iothub.sequence.number, iothub.offset, iothub.partition, iothub.connection.device.id, "
            + "iothub.connection.module.id, iothub.connection.auth.method, iothub.message.source, iothub.content.type, "
            + "iothub.content.encoding, iothub.message.id, iothub.correlation.id, iothub.partition.key, and each "
            + "application property as iothub.property.<name> (bounded by iothub.headers.max.count and "
            + "iothub.headers.max.bytes).";

    // ---- Error handling ----
    public static final String ERROR_HANDLING_CONFIG = "iothub.error.handling";
    public static final String ERROR_HANDLING_DEFAULT = "error-topic";
    private static final String ERROR_HANDLING_DOC = "What to do with an event whose body does not map (does not parse in the "
            + "value format, too large, bad timestamp): 'error-topic' writes the raw body to iothub.error.topic with the "
            + "reason in headers, with the event's offset, and goes on; 'fail' fails the task with the reason (the event "
            + "is read again when the task restarts).";

    public static final String ERROR_TOPIC_CONFIG = "iothub.error.topic";
    private static final String ERROR_TOPIC_DOC = "Kafka topic for malformed events: the raw body (bytes, bounded by "
            + "iothub.error.payload.max.bytes), the device id as key, headers iothub.error.reason, iothub.error.stage, "
            + "iothub.error.position, iothub.error.connector, iothub.error.payload.bytes, iothub.error.payload.sha256 and "
            + "the usual iothub.* metadata (partition, sequence number, offset). Empty: '<connector name>-errors'.";

    public static final String ERROR_PAYLOAD_MAX_BYTES_CONFIG = "iothub.error.payload.max.bytes";
    public static final int ERROR_PAYLOAD_MAX_BYTES_DEFAULT = 64 * 1024;
    private static final String ERROR_PAYLOAD_MAX_BYTES_DOC = "How much of a malformed event's body its error record keeps; "
            + "longer bodies are cut (iothub.error.payload.truncated=true), the full size and digest are in headers.";

    // ---- Set by the connector for each task ----
    public static final String TASK_INDEX_CONFIG = "iothub.task.index";
    public static final String TASK_PARTITIONS_CONFIG = "iothub.task.partitions";
    public static final String CONNECTOR_NAME_CONFIG = "name";

    public static final ConfigDef CONFIG_DEF = configDef();

    private final AuthType authType;
    private final Transport transport;
    private final StartPosition startPosition;
    private final ValueFormat valueFormat;
    private final TimestampSource timestampSource;
    private final TimestampFormat timestampFormat;
    private final ErrorHandling errorHandling;
    private final JsonPayloadParser.NumberMode numberMode;
    private final JsonSchemaInference.Settings jsonSchema;
    private final DeviceTimeWindow timeWindow;
    private final HeaderLimits headerLimits;
    private final Map<String, String> topicsBySource;

    public IotHubSourceConfig(Map<String, String> props) {
        this(CONFIG_DEF, props);
    }

    protected IotHubSourceConfig(ConfigDef def, Map<String, String> props) {
        super(def, props);
        this.authType = Validators.parseEnum(AuthType.class, getString(AUTH_TYPE_CONFIG));
        this.transport = Validators.parseEnum(Transport.class, getString(TRANSPORT_CONFIG));
        this.startPosition = StartPosition.parse(getString(START_POSITION_CONFIG));
        this.valueFormat = Validators.parseEnum(ValueFormat.class, getString(VALUE_FORMAT_CONFIG));
        this.timestampSource = Validators.parseEnum(TimestampSource.class, getString(TIMESTAMP_SOURCE_CONFIG));
        this.timestampFormat = Validators.parseEnum(TimestampFormat.class, getString(TIMESTAMP_FORMAT_CONFIG));
        this.errorHandling = Validators.parseEnum(ErrorHandling.class, getString(ERROR_HANDLING_CONFIG));
        this.numberMode = Validators.parseEnum(JsonPayloadParser.NumberMode.class, getString(JSON_NUMBER_MODE_CONFIG));
        this.jsonSchema = JsonSchemaConfigs.parse(this, "iothub.");
        this.timeWindow = DeviceInputConfigs.parseTimeWindow(this, "iothub.");
        this.headerLimits = DeviceInputConfigs.parseHeaderLimits(this, "iothub.");
        this.topicsBySource = parseTopicsBySource(getList(TOPIC_BY_SOURCE_CONFIG));
    }

    // ---- typed accessors ----

    /** The connector's name as Connect passes it, or "iothub-source" when absent (unit tests). */
    public String connectorName() {
        String name = originalsStrings().get(CONNECTOR_NAME_CONFIG);
        return name == null || name.isBlank() ? "iothub-source" : name;
    }

    public AuthType authType() {
        return authType;
    }

    /** The connection string, or null when none is configured. */
    public Password connectionString() {
        return getPassword(CONNECTION_STRING_CONFIG);
    }

    public String namespace() {
        return getString(NAMESPACE_CONFIG).trim();
    }

    /** The hub name: the configured one, else the connection string's EntityPath, else empty. */
    public String eventHubName() {
        String configured = getString(EVENTHUB_NAME_CONFIG).trim();
        if (!configured.isEmpty()) {
            return configured;
        }
        return connectionStringPart("EntityPath").orElse("");
    }

    /** A {@code name=value} part of the connection string (names match case-insensitively), if present. */
    public Optional<String> connectionStringPart(String name) {
        Password connectionString = connectionString();
        if (connectionString == null || connectionString.value() == null) {
            return Optional.empty();
        }
        for (String part : connectionString.value().split(";")) {
            int equals = part.indexOf('=');
            if (equals > 0 && part.substring(0, equals).trim().equalsIgnoreCase(name)) {
                String value = part.substring(equals + 1).trim();
                return value.isEmpty() ? Optional.empty() : Optional.of(value);
            }
        }
        return Optional.empty();
    }

    /** What the Entra ID sign-in is built from; only meaningful when {@link #authType()} is not a connection string. */
    public EntraIdCredentials.Settings entraIdSettings() {
        EntraIdCredentials.Kind kind = switch (authType) {
            case CLIENT_SECRET -> EntraIdCredentials.Kind.CLIENT_SECRET;
            case MANAGED_IDENTITY -> EntraIdCredentials.Kind.MANAGED_IDENTITY;
            case WORKLOAD_IDENTITY -> EntraIdCredentials.Kind.WORKLOAD_IDENTITY;
            case CONNECTION_STRING -> throw new IllegalStateException("a connection string has no Entra ID settings");
        };
        return new EntraIdCredentials.Settings(kind, getString(TENANT_ID_CONFIG).trim(), getString(CLIENT_ID_CONFIG).trim(),
                getPassword(CLIENT_SECRET_CONFIG), getString(AUTHORITY_HOST_CONFIG).trim());
    }

    public String tenantId() {
        return getString(TENANT_ID_CONFIG).trim();
    }

    public String clientId() {
        return getString(CLIENT_ID_CONFIG).trim();
    }

    public Password clientSecret() {
        return getPassword(CLIENT_SECRET_CONFIG);
    }

    public String consumerGroup() {
        return getString(CONSUMER_GROUP_CONFIG).trim();
    }

    public Transport transport() {
        return transport;
    }

    public boolean allowPlaintextEndpoint() {
        return getBoolean(ALLOW_PLAINTEXT_ENDPOINT_CONFIG);
    }

    public Optional<String> customEndpointAddress() {
        return Optional.ofNullable(getString(CUSTOM_ENDPOINT_CONFIG)).map(String::trim).filter(address -> !address.isEmpty());
    }

    public Optional<String> proxyHost() {
        return Optional.ofNullable(getString(PROXY_HOST_CONFIG)).map(String::trim).filter(host -> !host.isEmpty());
    }

    public int proxyPort() {
        return getInt(PROXY_PORT_CONFIG);
    }

    public Optional<String> proxyUsername() {
        return Optional.ofNullable(getString(PROXY_USERNAME_CONFIG)).filter(user -> !user.isEmpty());
    }

    public Password proxyPassword() {
        return getPassword(PROXY_PASSWORD_CONFIG);
    }

    public int retryMaxRetries() {
        return getInt(RETRY_MAX_RETRIES_CONFIG);
    }

    public Duration retryDelay() {
        return Duration.ofMillis(getLong(RETRY_DELAY_CONFIG));
    }

    public Duration retryMaxDelay() {
        return Duration.ofMillis(getLong(RETRY_MAX_DELAY_CONFIG));
    }

    public Duration retryTryTimeout() {
        return Duration.ofMillis(getLong(RETRY_TRY_TIMEOUT_CONFIG));
    }

    public long bufferMaxBytes() {
        return getLong(BUFFER_MAX_BYTES_CONFIG);
    }

    public SequenceGapHandling sequenceGapHandling() {
        return Validators.parseEnum(SequenceGapHandling.class, getString(SEQUENCE_GAP_HANDLING_CONFIG));
    }

    public StartPosition startPosition() {
        return startPosition;
    }

    /** The owner level to read with, or empty to read without one. */
    public OptionalLong ownerLevel() {
        String level = getString(OWNER_LEVEL_CONFIG);
        return level == null || level.isBlank() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(level.trim()));
    }

    public int receiveMaxFailures() {
        return getInt(RECEIVE_MAX_FAILURES_CONFIG);
    }

    public int prefetchCount() {
        return getInt(PREFETCH_COUNT_CONFIG);
    }

    public int bufferCapacity() {
        return getInt(BUFFER_CAPACITY_CONFIG);
    }

    public int pollMaxRecords() {
        return getInt(POLL_MAX_RECORDS_CONFIG);
    }

    public Duration pollMaxWait() {
        return Duration.ofMillis(getLong(POLL_MAX_WAIT_CONFIG));
    }

    /** Zero when the partitions are looked up at start only. */
    public Duration partitionCheckInterval() {
        return Duration.ofMillis(getLong(PARTITION_CHECK_INTERVAL_CONFIG));
    }

    public String topic() {
        return getString(TOPIC_CONFIG).trim();
    }

    /** Topics by message source, the sources in lower case, in configuration order. */
    public Map<String, String> topicsByMessageSource() {
        return topicsBySource;
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
        return DeviceInputConfigs.parseJsonLimits(this, "iothub.", maxBytes, getInt(JSON_MAX_DEPTH_CONFIG));
    }

    public int valueMaxBytes() {
        return getInt(VALUE_MAX_BYTES_CONFIG);
    }

    public TimestampSource timestampSource() {
        return timestampSource;
    }

    public Optional<FieldPath> timestampField() {
        String path = getString(TIMESTAMP_FIELD_CONFIG);
        return path == null || path.isBlank() ? Optional.empty() : Optional.of(FieldPath.parse(path.trim()));
    }

    public TimestampFormat timestampFormat() {
        return timestampFormat;
    }

    public boolean headersEnabled() {
        return getBoolean(HEADERS_ENABLE_CONFIG);
    }

    /** The window of payload times taken as record times. */
    public DeviceTimeWindow timeWindow() {
        return timeWindow;
    }

    /** The bounds on the headers made of application properties. */
    public HeaderLimits headerLimits() {
        return headerLimits;
    }

    public ErrorHandling errorHandling() {
        return errorHandling;
    }

    /** The error topic, defaulting to '<connector name>-errors' with characters Kafka refuses replaced by '_'. */
    public String errorTopic() {
        String topic = getString(ERROR_TOPIC_CONFIG);
        if (topic != null && !topic.isBlank()) {
            return topic.trim();
        }
        return connectorName().replaceAll("[^a-zA-Z0-9._-]", "_") + "-errors";
    }

    public int errorPayloadMaxBytes() {
        return getInt(ERROR_PAYLOAD_MAX_BYTES_CONFIG);
    }

    // ---- parsing ----

    static Map<String, String> parseTopicsBySource(List<String> pairs) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String pair : pairs) {
            String text = pair.trim();
            int colon = text.indexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("'" + text + "' is not source:topic, like twinChangeEvents:device-twins");
            }
            String source = text.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String topic = text.substring(colon + 1).trim();
            if (!Validators.isValidKafkaTopic(topic)) {
                throw new IllegalArgumentException("'" + topic + "' is not a valid Kafka topic name: use 1 to 249 characters "
                        + "from a-z, A-Z, 0-9, '.', '_' and '-'");
            }
            if (topics.put(source, topic) != null) {
                throw new IllegalArgumentException("message source '" + text.substring(0, colon).trim() + "' is given twice");
            }
        }
        return Map.copyOf(topics);
    }

    // ---- definition ----

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(AUTH_TYPE_CONFIG, Type.STRING, AUTH_TYPE_DEFAULT, Validators.oneOf(AuthType.class), Importance.HIGH,
                AUTH_TYPE_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Authentication");
        def.define(CONNECTION_STRING_CONFIG, Type.PASSWORD, null, Importance.HIGH,
                CONNECTION_STRING_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Connection string");
        def.define(NAMESPACE_CONFIG, Type.STRING, "", Validators.parsedBy("empty, or a host name like "
                        + "<namespace>.servicebus.windows.net", IotHubSourceConfig::checkNamespace), Importance.HIGH,
                NAMESPACE_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Namespace");
        def.define(EVENTHUB_NAME_CONFIG, Type.STRING, "", Importance.HIGH,
                EVENTHUB_NAME_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Event Hub name");
        def.define(TENANT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM,
                TENANT_ID_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Tenant id");
        def.define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM,
                CLIENT_ID_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Client id");
        def.define(CLIENT_SECRET_CONFIG, Type.PASSWORD, null, Importance.MEDIUM,
                CLIENT_SECRET_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Client secret");
        def.define(AUTHORITY_HOST_CONFIG, Type.STRING, "", Validators.parsedBy("empty, or an https:// URL",
                        IotHubSourceConfig::checkAuthorityHost), Importance.LOW,
                AUTHORITY_HOST_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Authority host");
        def.define(CONSUMER_GROUP_CONFIG, Type.STRING, CONSUMER_GROUP_DEFAULT, new ConfigDef.NonEmptyString(),
                Importance.HIGH, CONSUMER_GROUP_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Consumer group");
        def.define(TRANSPORT_CONFIG, Type.STRING, TRANSPORT_DEFAULT, Validators.oneOf(Transport.class), Importance.MEDIUM,
                TRANSPORT_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Transport");
        def.define(CUSTOM_ENDPOINT_CONFIG, Type.STRING, "", Validators.parsedBy("empty, or an https:// URL with a host",
                        IotHubSourceConfig::checkCustomEndpoint), Importance.LOW,
                CUSTOM_ENDPOINT_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Custom endpoint address");
        def.define(ALLOW_PLAINTEXT_ENDPOINT_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                ALLOW_PLAINTEXT_ENDPOINT_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Allow an endpoint without TLS");
        def.define(PROXY_HOST_CONFIG, Type.STRING, "", Importance.LOW,
                PROXY_HOST_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Proxy host");
        def.define(PROXY_PORT_CONFIG, Type.INT, 3128, ConfigDef.Range.between(1, 65535), Importance.LOW,
                PROXY_PORT_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Proxy port");
        def.define(PROXY_USERNAME_CONFIG, Type.STRING, "", Importance.LOW,
                PROXY_USERNAME_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Proxy user name");
        def.define(PROXY_PASSWORD_CONFIG, Type.PASSWORD, null, Importance.LOW,
                PROXY_PASSWORD_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Proxy password");
        def.define(RETRY_MAX_RETRIES_CONFIG, Type.INT, 3, ConfigDef.Range.between(0, 100), Importance.LOW,
                RETRY_MAX_RETRIES_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Max retries");
        def.define(RETRY_DELAY_CONFIG, Type.LONG, 800L, ConfigDef.Range.between(1L, 600_000L), Importance.LOW,
                RETRY_DELAY_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Retry delay (ms)");
        def.define(RETRY_MAX_DELAY_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.between(1L, 3_600_000L), Importance.LOW,
                RETRY_MAX_DELAY_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Retry max delay (ms)");
        def.define(RETRY_TRY_TIMEOUT_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.between(100L, 3_600_000L), Importance.LOW,
                RETRY_TRY_TIMEOUT_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Try timeout (ms)");

        order = 0;
        def.define(START_POSITION_CONFIG, Type.STRING, START_POSITION_DEFAULT, Validators.parsedBy(
                        "earliest, latest, or an ISO-8601 time like 2026-01-02T03:04:05Z", StartPosition::parse), Importance.HIGH,
                START_POSITION_DOC, READING_GROUP, ++order, Width.MEDIUM, "Start position");
        def.define(OWNER_LEVEL_CONFIG, Type.STRING, "", Validators.parsedBy("empty, or a whole number from 0",
                        IotHubSourceConfig::checkOwnerLevel), Importance.MEDIUM,
                OWNER_LEVEL_DOC, READING_GROUP, ++order, Width.SHORT, "Owner level");
        def.define(SEQUENCE_GAP_HANDLING_CONFIG, Type.STRING, SEQUENCE_GAP_HANDLING_DEFAULT, Validators.oneOf(SequenceGapHandling.class),
                Importance.MEDIUM, SEQUENCE_GAP_HANDLING_DOC, READING_GROUP, ++order, Width.SHORT, "Sequence gap handling");
        def.define(RECEIVE_MAX_FAILURES_CONFIG, Type.INT, 5, ConfigDef.Range.between(1, 1000), Importance.LOW,
                RECEIVE_MAX_FAILURES_DOC, READING_GROUP, ++order, Width.SHORT, "Max failures in a row");
        def.define(PREFETCH_COUNT_CONFIG, Type.INT, 500, ConfigDef.Range.between(1, 8000), Importance.LOW,
                PREFETCH_COUNT_DOC, READING_GROUP, ++order, Width.SHORT, "Prefetch count");
        def.define(BUFFER_CAPACITY_CONFIG, Type.INT, 10_000, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                BUFFER_CAPACITY_DOC, READING_GROUP, ++order, Width.SHORT, "Buffer capacity");
        def.define(BUFFER_MAX_BYTES_CONFIG, Type.LONG, BUFFER_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1024L, 16L * 1024 * 1024 * 1024),
                Importance.LOW, BUFFER_MAX_BYTES_DOC, READING_GROUP, ++order, Width.SHORT, "Buffer max bytes");
        def.define(POLL_MAX_RECORDS_CONFIG, Type.INT, 2000, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                POLL_MAX_RECORDS_DOC, READING_GROUP, ++order, Width.SHORT, "Max records per poll");
        def.define(POLL_MAX_WAIT_CONFIG, Type.LONG, 200L, ConfigDef.Range.between(1L, 60_000L), Importance.LOW,
                POLL_MAX_WAIT_DOC, READING_GROUP, ++order, Width.SHORT, "Max poll wait (ms)");
        def.define(PARTITION_CHECK_INTERVAL_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.between(0L, 86_400_000L), Importance.LOW,
                PARTITION_CHECK_INTERVAL_DOC, READING_GROUP, ++order, Width.SHORT, "Partition check interval (ms)");

        order = 0;
        def.define(TOPIC_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Validators.kafkaTopic(false), Importance.HIGH,
                TOPIC_DOC, MAPPING_GROUP, ++order, Width.MEDIUM, "Kafka topic");
        def.define(TOPIC_BY_SOURCE_CONFIG, Type.LIST, "", new TopicsBySourceValidator(), Importance.MEDIUM,
                TOPIC_BY_SOURCE_DOC, MAPPING_GROUP, ++order, Width.LONG, "Topics by message source");
        def.define(VALUE_FORMAT_CONFIG, Type.STRING, VALUE_FORMAT_DEFAULT, Validators.oneOf(ValueFormat.class), Importance.HIGH,
                VALUE_FORMAT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Value format");
        def.define(JSON_STRUCT_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM,
                JSON_STRUCT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "JSON as Struct");
        def.define(JSON_NUMBER_MODE_CONFIG, Type.STRING, JSON_NUMBER_MODE_DEFAULT, Validators.oneOf(JsonPayloadParser.NumberMode.class),
                Importance.LOW, JSON_NUMBER_MODE_DOC, MAPPING_GROUP, ++order, Width.SHORT, "JSON number mode");
        order = JsonSchemaConfigs.define(def, JSON_SCHEMA_TERMS, MAPPING_GROUP, order);
        def.define(VALUE_MAX_BYTES_CONFIG, Type.INT, VALUE_MAX_BYTES_DEFAULT, ConfigDef.Range.between(1, 64 * 1024 * 1024),
                Importance.LOW, VALUE_MAX_BYTES_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Max body bytes");
        def.define(JSON_MAX_DEPTH_CONFIG, Type.INT, 64, ConfigDef.Range.between(1, 1000), Importance.LOW,
                JSON_MAX_DEPTH_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Max JSON depth");
        order = DeviceInputConfigs.defineJsonBounds(def, DEVICE_INPUT_TERMS, MAPPING_GROUP, order);
        def.define(TIMESTAMP_SOURCE_CONFIG, Type.STRING, TIMESTAMP_SOURCE_DEFAULT, Validators.oneOf(TimestampSource.class),
                Importance.MEDIUM, TIMESTAMP_SOURCE_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Timestamp source");
        def.define(TIMESTAMP_FIELD_CONFIG, Type.STRING, "", Validators.parsedBy("empty, or a field name; nested fields with dots",
                        IotHubSourceConfig::checkFieldPath), Importance.MEDIUM,
                TIMESTAMP_FIELD_DOC, MAPPING_GROUP, ++order, Width.MEDIUM, "Timestamp field");
        def.define(TIMESTAMP_FORMAT_CONFIG, Type.STRING, TIMESTAMP_FORMAT_DEFAULT, Validators.oneOf(TimestampFormat.class),
                Importance.MEDIUM, TIMESTAMP_FORMAT_DOC, MAPPING_GROUP, ++order, Width.SHORT, "Timestamp format");
        order = DeviceInputConfigs.defineTimeWindow(def, DEVICE_INPUT_TERMS, MAPPING_GROUP, order);
        def.define(HEADERS_ENABLE_CONFIG, Type.BOOLEAN, true, Importance.LOW,
                HEADERS_ENABLE_DOC, MAPPING_GROUP, ++order, Width.SHORT, "IoT Hub headers");
        order = DeviceInputConfigs.defineHeaderLimits(def, DEVICE_INPUT_TERMS, MAPPING_GROUP, order);

        order = 0;
        def.define(ERROR_HANDLING_CONFIG, Type.STRING, ERROR_HANDLING_DEFAULT, Validators.oneOf(ErrorHandling.class),
                Importance.HIGH, ERROR_HANDLING_DOC, ERRORS_GROUP, ++order, Width.SHORT, "Malformed event handling");
        def.define(ERROR_TOPIC_CONFIG, Type.STRING, "", Validators.kafkaTopic(true), Importance.MEDIUM,
                ERROR_TOPIC_DOC, ERRORS_GROUP, ++order, Width.MEDIUM, "Error topic");
        def.define(ERROR_PAYLOAD_MAX_BYTES_CONFIG, Type.INT, ERROR_PAYLOAD_MAX_BYTES_DEFAULT, ConfigDef.Range.between(0, 512 * 1024),
                Importance.LOW, ERROR_PAYLOAD_MAX_BYTES_DOC, ERRORS_GROUP, ++order, Width.SHORT, "Error payload max bytes");
        return def;
    }

    // ---- validators ----

    private static void checkNamespace(String text) {
        String host = text.trim();
        if (host.isEmpty()) {
            return;
        }
        if (host.contains("://") || host.contains("/") || host.contains(";")) {
            throw new IllegalArgumentException("give the host alone, like <namespace>.servicebus.windows.net, without sb:// or a path");
        }
        if (!host.contains(".")) {
            throw new IllegalArgumentException("give the fully qualified namespace, like " + host + ".servicebus.windows.net");
        }
    }

    private static void checkAuthorityHost(String text) {
        if (!text.isBlank() && !text.trim().startsWith("https://")) {
            throw new IllegalArgumentException("an authority host is an https:// URL, like https://login.microsoftonline.us/");
        }
    }

    private static void checkCustomEndpoint(String text) {
        if (text.isBlank()) {
            return;
        }
        try {
            java.net.URI uri = new java.net.URI(text.trim());
            if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("a custom endpoint address is an https:// URL with a host, like "
                        + "https://gateway.example.com:5671");
            }
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URL (" + e.getReason() + "); a custom endpoint address looks like "
                    + "https://gateway.example.com:5671");
        }
    }

    private static void checkOwnerLevel(String text) {
        if (text.isBlank()) {
            return;
        }
        try {
            if (Long.parseLong(text.trim()) < 0) {
                throw new IllegalArgumentException("an owner level is 0 or more");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("an owner level is a whole number from 0, or empty to read without one");
        }
    }

    private static void checkFieldPath(String text) {
        if (!text.isBlank()) {
            FieldPath.parse(text.trim());
        }
    }

    private static final class TopicsBySourceValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                parseTopicsBySource(value == null ? List.of() : ((List<?>) value).stream().map(Object::toString).toList());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "source:topic pairs, like twinChangeEvents:device-twins";
        }
    }
}
