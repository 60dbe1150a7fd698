package io.iotconnect.cosmos.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.config.Validators;
import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configuration of the Cosmos DB sink connector: every key, its default, validator and documentation. */
public class CosmosSinkConfig extends AbstractConfig {

    private static final String CONNECTION_GROUP = "Connection";
    private static final String CONTAINERS_GROUP = "Containers";
    private static final String DOCUMENTS_GROUP = "Documents";
    private static final String WRITES_GROUP = "Writes";

    // ---- Connection ----
    public static final String ENDPOINT_CONFIG = "cosmos.endpoint";
    private static final String ENDPOINT_DOC = "Account endpoint, like https://<account>.documents.azure.com:443/.";

    public static final String AUTH_TYPE_CONFIG = "cosmos.auth.type";
    private static final String AUTH_TYPE_DOC = "How the connector signs in: 'key' (the account key in cosmos.key), or with "
            + "Microsoft Entra ID: 'client-secret' (a service principal: cosmos.auth.tenant.id, cosmos.auth.client.id, "
            + "cosmos.auth.client.secret), 'managed-identity' (the Azure VM, App Service or container identity of the worker; "
            + "cosmos.auth.client.id picks a user-assigned one) or 'workload-identity' (AKS workload identity, from the "
            + "AZURE_* variables the pod gets). An Entra ID identity needs a Cosmos DB data-plane role such as 'Cosmos DB "
            + "Built-in Data Contributor', and cannot create databases or containers: create them beforehand.";

    public static final String KEY_CONFIG = "cosmos.key";
    private static final String KEY_DOC = "With cosmos.auth.type=key: the account key (primary or secondary). Keep it out of "
            + "connector JSON with a config provider, like ${file:/etc/connect/cosmos.properties:key} or ${env:COSMOS_KEY}.";

    public static final String TENANT_ID_CONFIG = "cosmos.auth.tenant.id";
    private static final String TENANT_ID_DOC = "Microsoft Entra tenant (directory) id of the service principal: needed with "
            + "client-secret; with workload-identity it overrides AZURE_TENANT_ID.";

    public static final String CLIENT_ID_CONFIG = "cosmos.auth.client.id";
    private static final String CLIENT_ID_DOC = "Application (client) id: of the service principal with client-secret (needed), "
            + "of a user-assigned managed identity with managed-identity (empty: the system-assigned one), or overriding "
            + "AZURE_CLIENT_ID with workload-identity.";

    public static final String CLIENT_SECRET_CONFIG = "cosmos.auth.client.secret";
    private static final String CLIENT_SECRET_DOC = "With cosmos.auth.type=client-secret: the service principal's secret. Keep it "
            + "out of connector JSON with a config provider.";

    public static final String AUTHORITY_HOST_CONFIG = "cosmos.auth.authority.host";
    private static final String AUTHORITY_HOST_DOC = "Microsoft Entra authority for client-secret and workload-identity, for "
            + "national clouds, like https://login.microsoftonline.us/. Empty: the public cloud.";

    public static final String CONNECTION_MODE_CONFIG = "cosmos.connection.mode";
    private static final String CONNECTION_MODE_DOC = "'direct' (TCP to the replicas: lowest latency, needs ports 10250-20000 "
            + "open to Azure) or 'gateway' (HTTPS 443 only, through the gateway; needed for emulators and strict firewalls).";

    public static final String PREFERRED_REGIONS_CONFIG = "cosmos.preferred.regions";
    private static final String PREFERRED_REGIONS_DOC = "Azure regions to write to first, in order, like 'West Europe,North "
            + "Europe'. Empty: the account's write region.";

    // ---- Containers ----
    public static final String DATABASE_CONFIG = "cosmos.database";
    private static final String DATABASE_DOC = "Database the containers are in.";

    public static final String CONTAINERS_CONFIG = "cosmos.containers.topic.map";
    private static final String CONTAINERS_DOC = "Which container each topic is written to: 'topic#container' pairs, "
            + "comma-separated, like 'telemetry#readings,alerts#alerts'. Every topic the connector reads needs one.";

    public static final String CREATE_CONTAINERS_CONFIG = "cosmos.containers.create";
    private static final String CREATE_CONTAINERS_DOC = "Create the database and missing containers at start, partitioned by "
            + "cosmos.containers.partition.key.paths. Off: they must exist (the connector reads their partition key "
            + "definition either way).";

    public static final String PARTITION_KEY_PATHS_CONFIG = "cosmos.containers.partition.key.paths";
    private static final String PARTITION_KEY_PATHS_DOC = "Partition key of containers the connector creates: one path like "
            + "'/deviceId', or up to three for a hierarchical partition key, like '/deviceId,/day'.";

    // ---- Documents ----
    public static final String ID_STRATEGY_CONFIG = "cosmos.id.strategy";
    private static final String ID_STRATEGY_DOC = "How a document's id is made: 'kafka-coordinates' (<topic>-<partition>-<offset>: "
            + "a replay overwrites the same documents), 'key' (the record key: one document per key, e.g. live state per "
            + "device), 'field' (the value of cosmos.id.field), 'template' (cosmos.id.template over value fields). Characters "
            + "Cosmos DB forbids in ids (/ \\ ? #) are replaced with '_'.";

    public static final String ID_FIELD_CONFIG = "cosmos.id.field";
    private static final String ID_FIELD_DOC = "With cosmos.id.strategy=field: the value field holding the id (dots for nesting, "
            + "like reading.id).";

    public static final String ID_TEMPLATE_CONFIG = "cosmos.id.template";
    private static final String ID_TEMPLATE_DOC = "With cosmos.id.strategy=template: the id built from text and variables: "
            + "value fields as ${value.<field>} (dots for nesting), ${topic}, ${partition}, ${offset} and ${key}, like "
            + "'${value.deviceId}-${value.ts}'. A '${' that is not closed or names no variable is a configuration error.";

    public static final String HEADERS_PROPERTY_CONFIG = "cosmos.document.headers.property";
    private static final String HEADERS_PROPERTY_DOC = "Keep the record's Kafka headers in the document under this property, as "
            + "an object of header name to value. Empty: headers are not written.";

    public static final String FIELD_NAMES_CONFIG = "cosmos.document.field.names";
    public static final String FIELD_NAMES_DEFAULT = "json";
    private static final String FIELD_NAMES_DOC = "How a Struct value's field names become document properties. 'json': a "
            + "field that a JSON source renamed for Avro (mqtt.value.json.field.names or iothub.value.json.field.names = "
            + "avro, which turns fw-version into fw_version and records the original in the schema parameter "
            + "iotconnect.json.name.<field>) gets its JSON key back, so a document has the device's own keys whichever "
            + "converter carried the record (Avro converters keep the parameter); every other field keeps its name. "
            + "cosmos.id.field, cosmos.id.template and the partition key paths then name the JSON keys too. 'schema': "
            + "the schema's field names as they are.";

    // ---- Writes ----
    public static final String WRITE_STRATEGY_CONFIG = "cosmos.write.strategy";
    private static final String WRITE_STRATEGY_DOC = "'upsert' (create or overwrite), 'create' (create only; a document that "
            + "already exists counts as written, so replays are harmless), 'replace' (overwrite existing documents only; a "
            + "missing one is a failed record), 'upsert-if-newer' (keep the newest state per document by "
            + "cosmos.write.newer.field even when records arrive out of order or are replayed: the stored document is read, "
            + "and replaced only when older, conditionally on its ETag; with cosmos.id.strategy=key a container holds one "
            + "live document per device), 'patch' (change only some fields of the stored document with field operations, "
            + "see cosmos.patch.*; the other fields are left as they are).";

    public static final String PATCH_DEFAULT_OPERATION_CONFIG = "cosmos.patch.default.operation";
    private static final String PATCH_DEFAULT_OPERATION_DOC = "With cosmos.write.strategy=patch: what happens to each top-level "
            + "field of the record's document that cosmos.patch.fields does not name: 'set' (written; created when absent), "
            + "'replace' (written only when the stored document has the field, else the record fails), 'increment' (the stored "
            + "number grows by the record's number), 'append' (the record's value is added to the end of the stored array, which must "
            + "exist) or 'ignore' (left as it is). The id and partition key fields are "
            + "never patched.";

    public static final String PATCH_FIELDS_CONFIG = "cosmos.patch.fields";
    private static final String PATCH_FIELDS_DOC = "With cosmos.write.strategy=patch: 'field:operation' pairs that override "
            + "cosmos.patch.default.operation, like 'lastSeen:set,readings:increment,alerts:append,firmware:ignore'. Dots "
            + "reach nested fields (site.room:set). Increments and appends count again when a record is delivered again.";

    public static final String PATCH_MISSING_CONFIG = "cosmos.patch.missing.document";
    private static final String PATCH_MISSING_DOC = "With cosmos.write.strategy=patch: what a patch of a document that does "
            + "not exist yet does: 'create' it from the whole record, or 'fail' (a failed record, to the dead letter queue).";

    public static final String NEWER_FIELD_CONFIG = "cosmos.write.newer.field";
    private static final String NEWER_FIELD_DOC = "With cosmos.write.strategy=upsert-if-newer: the document field whose larger "
            + "value is newer (dots for nesting, like meta.ts), a number such as epoch milliseconds or an ISO-8601 UTC string.";

    public static final String TOMBSTONES_CONFIG = "cosmos.tombstones";
    private static final String TOMBSTONES_DOC = "What a record with a null value (a tombstone) does: 'delete' the document "
            + "whose id and partition key come from the record key (a missing document counts as deleted), 'ignore' it, or "
            + "'fail' (a failed record).";

    public static final String MAX_CONCURRENCY_CONFIG = "cosmos.bulk.max.concurrency";
    private static final String MAX_CONCURRENCY_DOC = "How much one task sends at once. upsert, create, replace: bulk "
            + "requests in flight per partition key range (the SDK takes at most 5), and containers written at once. "
            + "upsert-if-newer: readMany calls in flight, and 8 times as many point writes. patch: 8 times as many point "
            + "operations.";

    public static final String RETRY_BUDGET_CONFIG = "cosmos.retry.budget.ms";
    private static final String RETRY_BUDGET_DOC = "How long one put() keeps retrying throttled (429) and transient failures "
            + "(408, 410, 449, 500, 502, 503, no answer), honouring the retry-after Cosmos DB sends. When it is spent, the "
            + "task throws a RetriableException and Connect calls put() again with the same records about 1 s later, up to "
            + "cosmos.retry.budget.exhausted.max times in a row.";

    public static final String RETRY_EXHAUSTED_MAX_CONFIG = "cosmos.retry.budget.exhausted.max";
    private static final String RETRY_EXHAUSTED_MAX_DOC = "How many put() calls in a row may spend the whole "
            + "cosmos.retry.budget.ms before the records still failing become failed records: with a dead letter queue "
            + "(errors.tolerance=all, errors.deadletterqueue.topic.name) each goes there with the status Cosmos DB last "
            + "answered and the rest of the batch stays written; without one the task fails, naming the first such record "
            + "(topic-partition@offset) and the status. A put() that writes everything starts the count again. So a "
            + "record Cosmos DB keeps refusing holds its partitions for at most this many budgets (and a second between "
            + "them), never for ever.";
    private static final int RETRY_EXHAUSTED_MAX_DEFAULT = 3;

    private static final ConfigDef.Validator CONTAINERS_VALIDATOR =
            new ParsedListValidator(CosmosSinkConfig::parseContainers, "topic#container[,topic#container...]");
    private static final ConfigDef.Validator PATCH_FIELDS_VALIDATOR =
            new ParsedListValidator(CosmosSinkConfig::parsePatchFields, "field:operation[,field:operation...]");

    private static final ConfigDef.Validator FIELD_PATH_VALIDATOR = Validators.parsedBy("a field path like reading.id, or empty",
            text -> {
                if (!text.isBlank()) {
                    FieldPath.parse(text);
                }
            });
    private static final ConfigDef.Validator ID_TEMPLATE_VALIDATOR =
            Validators.parsedBy("text with ${value.<field>}, ${topic}, ${partition}, ${offset}, ${key}, or empty", IdTemplate::parse);

    public static final ConfigDef CONFIG_DEF = configDef();

    private final Map<String, String> containersByTopic;
    private final IdTemplate idTemplate;
    private final DocumentFieldNames documentFieldNames;

    public CosmosSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        containersByTopic = parseContainers(getList(CONTAINERS_CONFIG));
        idTemplate = IdTemplate.parse(getString(ID_TEMPLATE_CONFIG));
        documentFieldNames = Validators.parseEnum(DocumentFieldNames.class, getString(FIELD_NAMES_CONFIG));
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(ENDPOINT_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new EndpointValidator(), Importance.HIGH,
                ENDPOINT_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Endpoint");
        def.define(AUTH_TYPE_CONFIG, Type.STRING, "key", Validators.oneOf(AuthType.class), Importance.HIGH, AUTH_TYPE_DOC,
                CONNECTION_GROUP, ++order, Width.MEDIUM, "Authentication");
        def.define(KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH, KEY_DOC, CONNECTION_GROUP, ++order, Width.LONG,
                "Account key");
        def.define(TENANT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, TENANT_ID_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "Tenant id");
        def.define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, CLIENT_ID_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "Client id");
        def.define(CLIENT_SECRET_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, CLIENT_SECRET_DOC, CONNECTION_GROUP, ++order,
                Width.LONG, "Client secret");
        def.define(AUTHORITY_HOST_CONFIG, Type.STRING, "", new AuthorityHostValidator(), Importance.LOW, AUTHORITY_HOST_DOC,
                CONNECTION_GROUP, ++order, Width.LONG, "Authority host");
        def.define(CONNECTION_MODE_CONFIG, Type.STRING, "direct", ConfigDef.ValidString.in("direct", "gateway"), Importance.MEDIUM,
                CONNECTION_MODE_DOC, CONNECTION_GROUP, ++order, Width.SHORT, "Connection mode");
        def.define(PREFERRED_REGIONS_CONFIG, Type.LIST, "", Importance.LOW, PREFERRED_REGIONS_DOC, CONNECTION_GROUP, ++order,
                Width.LONG, "Preferred regions");

        order = 0;
        def.define(DATABASE_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                DATABASE_DOC, CONTAINERS_GROUP, ++order, Width.MEDIUM, "Database");
        def.define(CONTAINERS_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, CONTAINERS_VALIDATOR, Importance.HIGH,
                CONTAINERS_DOC, CONTAINERS_GROUP, ++order, Width.LONG, "Topic to container map");
        def.define(CREATE_CONTAINERS_CONFIG, Type.BOOLEAN, false, Importance.MEDIUM, CREATE_CONTAINERS_DOC, CONTAINERS_GROUP,
                ++order, Width.SHORT, "Create containers");
        def.define(PARTITION_KEY_PATHS_CONFIG, Type.LIST, "/id", new PartitionKeyPathsValidator(), Importance.MEDIUM,
                PARTITION_KEY_PATHS_DOC, CONTAINERS_GROUP, ++order, Width.MEDIUM, "Partition key paths");

        order = 0;
        def.define(ID_STRATEGY_CONFIG, Type.STRING, "kafka-coordinates", Validators.oneOf(IdStrategy.class), Importance.HIGH,
                ID_STRATEGY_DOC, DOCUMENTS_GROUP, ++order, Width.MEDIUM, "Id strategy");
        def.define(ID_FIELD_CONFIG, Type.STRING, "id", FIELD_PATH_VALIDATOR, Importance.MEDIUM, ID_FIELD_DOC, DOCUMENTS_GROUP,
                ++order, Width.MEDIUM, "Id field");
        def.define(ID_TEMPLATE_CONFIG, Type.STRING, "", ID_TEMPLATE_VALIDATOR, Importance.MEDIUM, ID_TEMPLATE_DOC, DOCUMENTS_GROUP,
                ++order, Width.LONG, "Id template");
        def.define(HEADERS_PROPERTY_CONFIG, Type.STRING, "", Importance.LOW, HEADERS_PROPERTY_DOC, DOCUMENTS_GROUP, ++order,
                Width.MEDIUM, "Headers property");
        def.define(FIELD_NAMES_CONFIG, Type.STRING, FIELD_NAMES_DEFAULT, Validators.oneOf(DocumentFieldNames.class), Importance.LOW,
                FIELD_NAMES_DOC, DOCUMENTS_GROUP, ++order, Width.SHORT, "Document field names");

        order = 0;
        def.define(WRITE_STRATEGY_CONFIG, Type.STRING, "upsert", Validators.oneOf(WriteStrategy.class), Importance.HIGH,
                WRITE_STRATEGY_DOC, WRITES_GROUP, ++order, Width.SHORT, "Write strategy");
        def.define(NEWER_FIELD_CONFIG, Type.STRING, "ts", FIELD_PATH_VALIDATOR, Importance.MEDIUM, NEWER_FIELD_DOC, WRITES_GROUP,
                ++order, Width.MEDIUM, "Newer-than field");
        def.define(PATCH_DEFAULT_OPERATION_CONFIG, Type.STRING, "set", Validators.oneOf(PatchOperation.class), Importance.MEDIUM,
                PATCH_DEFAULT_OPERATION_DOC, WRITES_GROUP, ++order, Width.SHORT, "Patch default operation");
        def.define(PATCH_FIELDS_CONFIG, Type.LIST, "", PATCH_FIELDS_VALIDATOR, Importance.MEDIUM, PATCH_FIELDS_DOC,
                WRITES_GROUP, ++order, Width.LONG, "Patch field operations");
        def.define(PATCH_MISSING_CONFIG, Type.STRING, "create", ConfigDef.ValidString.in("create", "fail"), Importance.MEDIUM,
                PATCH_MISSING_DOC, WRITES_GROUP, ++order, Width.SHORT, "Patch of a missing document");
        def.define(TOMBSTONES_CONFIG, Type.STRING, "delete", Validators.oneOf(TombstoneHandling.class), Importance.MEDIUM,
                TOMBSTONES_DOC, WRITES_GROUP, ++order, Width.SHORT, "Tombstones");
        def.define(MAX_CONCURRENCY_CONFIG, Type.INT, 4, ConfigDef.Range.between(1, 64), Importance.LOW, MAX_CONCURRENCY_DOC,
                WRITES_GROUP, ++order, Width.SHORT, "Bulk concurrency");
        def.define(RETRY_BUDGET_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.between(0, 3_600_000), Importance.LOW,
                RETRY_BUDGET_DOC, WRITES_GROUP, ++order, Width.SHORT, "Retry budget");
        def.define(RETRY_EXHAUSTED_MAX_CONFIG, Type.INT, RETRY_EXHAUSTED_MAX_DEFAULT, ConfigDef.Range.between(1, 100),
                Importance.LOW, RETRY_EXHAUSTED_MAX_DOC, WRITES_GROUP, ++order, Width.SHORT, "Retry budgets in a row");
        return def;
    }

    public String endpoint() {
        return getString(ENDPOINT_CONFIG);
    }

    public AuthType authType() {
        return Validators.parseEnum(AuthType.class, getString(AUTH_TYPE_CONFIG));
    }

    /** The account key, or null when none is configured. */
    public Password key() {
        return getPassword(KEY_CONFIG);
    }

    public String tenantId() {
        return getString(TENANT_ID_CONFIG).trim();
    }

    public String clientId() {
        return getString(CLIENT_ID_CONFIG).trim();
    }

    /** The client secret, or null when none is configured. */
    public Password clientSecret() {
        return getPassword(CLIENT_SECRET_CONFIG);
    }

    public String authorityHost() {
        return getString(AUTHORITY_HOST_CONFIG).trim();
    }

    /** What the chosen authentication lacks, on the key to set, or empty when it has what it needs. */
    public Optional<ConfigProblem> authProblem() {
        switch (authType()) {
            case KEY:
                if (isBlank(key())) {
                    return problem(KEY_CONFIG, AUTH_TYPE_CONFIG + "=key needs the account key; give it, e.g. as ${env:COSMOS_KEY}, "
                            + "or sign in with Microsoft Entra ID (" + AUTH_TYPE_CONFIG + "=client-secret, managed-identity or "
                            + "workload-identity)");
                }
                return Optional.empty();
            case CLIENT_SECRET:
                if (tenantId().isEmpty()) {
                    return problem(TENANT_ID_CONFIG, AUTH_TYPE_CONFIG + "=client-secret needs the tenant id of the service principal");
                }
                if (clientId().isEmpty()) {
                    return problem(CLIENT_ID_CONFIG, AUTH_TYPE_CONFIG + "=client-secret needs the application (client) id of the "
                            + "service principal");
                }
                if (isBlank(clientSecret())) {
                    return problem(CLIENT_SECRET_CONFIG, AUTH_TYPE_CONFIG + "=client-secret needs the service principal's secret");
                }
                return Optional.empty();
            default:
                return Optional.empty();
        }
    }

    private static Optional<ConfigProblem> problem(String key, String message) {
        return Optional.of(new ConfigProblem(key, message));
    }

    private static boolean isBlank(Password password) {
        return password == null || password.value() == null || password.value().isBlank();
    }

    public boolean gatewayMode() {
        return getString(CONNECTION_MODE_CONFIG).equals("gateway");
    }

    public List<String> preferredRegions() {
        return getList(PREFERRED_REGIONS_CONFIG);
    }

    public String database() {
        return getString(DATABASE_CONFIG);
    }

    /** Container per topic, in configuration order. */
    public Map<String, String> containersByTopic() {
        return containersByTopic;
    }

    public boolean createContainers() {
        return getBoolean(CREATE_CONTAINERS_CONFIG);
    }

    public List<String> partitionKeyPaths() {
        return getList(PARTITION_KEY_PATHS_CONFIG);
    }

    public IdStrategy idStrategy() {
        return Validators.parseEnum(IdStrategy.class, getString(ID_STRATEGY_CONFIG));
    }

    public String idField() {
        return getString(ID_FIELD_CONFIG).trim();
    }

    public IdTemplate idTemplate() {
        return idTemplate;
    }

    public String headersProperty() {
        return getString(HEADERS_PROPERTY_CONFIG).trim();
    }

    public DocumentFieldNames documentFieldNames() {
        return documentFieldNames;
    }

    public WriteStrategy writeStrategy() {
        return Validators.parseEnum(WriteStrategy.class, getString(WRITE_STRATEGY_CONFIG));
    }

    public String newerField() {
        return getString(NEWER_FIELD_CONFIG).trim();
    }

    public PatchOperation patchDefaultOperation() {
        return Validators.parseEnum(PatchOperation.class, getString(PATCH_DEFAULT_OPERATION_CONFIG));
    }

    /** Field path (dotted) to its operation, in configuration order. */
    public Map<String, PatchOperation> patchFields() {
        return parsePatchFields(getList(PATCH_FIELDS_CONFIG));
    }

    public boolean patchCreatesMissing() {
        return getString(PATCH_MISSING_CONFIG).equals("create");
    }

    public TombstoneHandling tombstones() {
        return Validators.parseEnum(TombstoneHandling.class, getString(TOMBSTONES_CONFIG));
    }

    public int maxConcurrency() {
        return getInt(MAX_CONCURRENCY_CONFIG);
    }

    public Duration retryBudget() {
        return Duration.ofMillis(getLong(RETRY_BUDGET_CONFIG));
    }

    /** How many put() calls in a row may spend the retry budget before the records still failing are failed records. */
    public int retryBudgetExhaustedMax() {
        return getInt(RETRY_EXHAUSTED_MAX_CONFIG);
    }

    static Map<String, String> parseContainers(List<String> pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            String[] parts = pair.trim().split("#", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException(CONTAINERS_CONFIG, pairs, "'" + pair + "' is not 'topic#container'; write pairs like "
                        + "telemetry#readings,alerts#alerts");
            }
            if (map.put(parts[0].trim(), parts[1].trim()) != null) {
                throw new ConfigException(CONTAINERS_CONFIG, pairs, "topic '" + parts[0].trim() + "' is mapped twice; a topic "
                        + "goes to one container");
            }
        }
        if (map.isEmpty()) {
            throw new ConfigException(CONTAINERS_CONFIG, pairs, "map at least one topic to a container, like telemetry#readings");
        }
        return map;
    }

    static Map<String, PatchOperation> parsePatchFields(List<String> pairs) {
        Map<String, PatchOperation> map = new LinkedHashMap<>();
        for (String pair : pairs) {
            int colon = pair.lastIndexOf(':');
            String field = colon < 0 ? "" : pair.substring(0, colon).trim();
            String operation = colon < 0 ? "" : pair.substring(colon + 1).trim();
            if (field.isEmpty() || field.startsWith(".") || field.endsWith(".") || field.contains("..")) {
                throw new ConfigException(PATCH_FIELDS_CONFIG, pairs, "'" + pair + "' is not 'field:operation'; write pairs like "
                        + "lastSeen:set,readings:increment");
            }
            PatchOperation parsed;
            try {
                parsed = Validators.parseEnum(PatchOperation.class, operation);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PATCH_FIELDS_CONFIG, pairs, "'" + operation + "' in '" + pair + "' is not an operation; "
                        + "use one of " + Validators.names(PatchOperation.class));
            }
            if (map.put(field, parsed) != null) {
                throw new ConfigException(PATCH_FIELDS_CONFIG, pairs, "field '" + field + "' has two operations; give it one");
            }
        }
        return map;
    }

    private static final class AuthorityHostValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString().trim();
            if (!text.isEmpty() && !text.startsWith("https://")) {
                throw new ConfigException(name, value, "must be an https:// URL, like https://login.microsoftonline.us/, or "
                        + "empty for the public cloud");
            }
        }

        @Override
        public String toString() {
            return "https://<authority host>/ or empty";
        }
    }

    private static final class EndpointValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString().trim();
            try {
                URI uri = new URI(text);
                if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                    throw new ConfigException(name, value, "must be an https:// URL with a host, like "
                            + "https://myaccount.documents.azure.com:443/");
                }
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException(name, value, "is not a URL: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "https://<host>[:port]/";
        }
    }

    /** Validates a list setting by parsing it the way the config will. */
    private static final class ParsedListValidator implements ConfigDef.Validator {
        private final java.util.function.Consumer<List<String>> parser;
        private final String shape;

        ParsedListValidator(java.util.function.Consumer<List<String>> parser, String shape) {
            this.parser = parser;
            this.shape = shape;
        }

        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> items = (List<String>) value;
            parser.accept(items == null ? List.of() : items);
        }

        @Override
        public String toString() {
            return shape;
        }
    }

    private static final class PartitionKeyPathsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            @SuppressWarnings("unchecked")
            List<String> paths = value == null ? List.of() : new ArrayList<>((List<String>) value);
            if (paths.isEmpty() || paths.size() > 3) {
                throw new ConfigException(name, value, "give one partition key path, or two or three for a hierarchical key");
            }
            for (String path : paths) {
                if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("//")) {
                    throw new ConfigException(name, value, "'" + path + "' is not a document path; write it like /deviceId or /site/id");
                }
            }
        }

        @Override
        public String toString() {
            return "/path[,/path[,/path]]";
        }
    }
}
