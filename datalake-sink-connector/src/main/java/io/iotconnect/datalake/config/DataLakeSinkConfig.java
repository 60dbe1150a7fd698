package io.iotconnect.datalake.config;

import io.iotconnect.common.config.ConfigProblem;
import io.iotconnect.common.config.LoopbackHosts;
import io.iotconnect.common.config.Validators;
import io.iotconnect.common.path.FieldPath;
import io.iotconnect.datalake.partition.PathTemplate;
import io.iotconnect.datalake.partition.RecordTime;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Configuration of the ADLS Gen2 sink connector: every key, its default, validator and documentation. */
public class DataLakeSinkConfig extends AbstractConfig {

    private static final String CONNECTION_GROUP = "Connection";
    private static final String LAYOUT_GROUP = "Layout";
    private static final String FORMAT_GROUP = "Format";
    private static final String ROTATION_GROUP = "Rotation";
    private static final String COMMIT_GROUP = "Commit and recovery";
    private static final String KAFKA_GROUP = "Kafka topic ids";

    // ---- Connection ----
    public static final String ENDPOINT_CONFIG = "datalake.endpoint";
    private static final String ENDPOINT_DOC = "The storage account's Data Lake endpoint, like "
            + "https://<account>.dfs.core.windows.net. The account needs a hierarchical namespace (ADLS Gen2): atomic "
            + "renames are what make the files exactly once. http:// is accepted for an endpoint on this machine "
            + "(localhost, 127.0.0.1, ::1), or with datalake.allow.plaintext.endpoint=true. No query string: an endpoint "
            + "is written to logs and to Connect's configuration topic as it is, so a SAS token goes in datalake.sas.token, "
            + "a password that stays hidden.";

    public static final String ALLOW_PLAINTEXT_ENDPOINT_CONFIG = "datalake.allow.plaintext.endpoint";
    private static final String ALLOW_PLAINTEXT_ENDPOINT_DOC = "Accept an http:// datalake.endpoint on a host that is not this "
            + "machine: every file, and every signed request (with datalake.auth.type=sas, the token itself), crosses the "
            + "network in clear text. Off, such an endpoint is refused, naming the fix (use https://); an endpoint on "
            + "localhost, 127.0.0.1 or ::1 is always accepted. Turn it on only for a lake inside a network you trust (a "
            + "private container network).";

    public static final String ACCOUNT_NAME_CONFIG = "datalake.account.name";
    private static final String ACCOUNT_NAME_DOC = "The storage account name, for account-key sign-in. Empty: taken from the "
            + "endpoint's host (<account>.dfs.core.windows.net), or from its first path segment for a local endpoint like "
            + "http://127.0.0.1:10000/<account>.";

    public static final String FILESYSTEM_CONFIG = "datalake.filesystem";
    private static final String FILESYSTEM_DOC = "The file system (container) the files are written to.";

    public static final String FILESYSTEM_CREATE_CONFIG = "datalake.filesystem.create";
    private static final String FILESYSTEM_CREATE_DOC = "Create the file system at start when it does not exist. Needs a role "
            + "that may create containers (Storage Blob Data Contributor on the account); leave false otherwise.";

    public static final String AUTH_TYPE_CONFIG = "datalake.auth.type";
    private static final String AUTH_TYPE_DOC = "How the connector signs in: 'account-key' (datalake.account.key), 'sas' (a "
            + "shared access signature in datalake.sas.token, with read, write, create, list, delete and move permissions on "
            + "the file system), or with Microsoft Entra ID: 'client-secret' (datalake.auth.tenant.id, "
            + "datalake.auth.client.id, datalake.auth.client.secret), 'managed-identity' (the worker's Azure identity; "
            + "datalake.auth.client.id picks a user-assigned one) or 'workload-identity' (AKS, from the AZURE_* variables). "
            + "An Entra ID identity needs the 'Storage Blob Data Contributor' role on the file system.";

    public static final String ACCOUNT_KEY_CONFIG = "datalake.account.key";
    private static final String ACCOUNT_KEY_DOC = "With datalake.auth.type=account-key: the storage account key. Keep it out "
            + "of connector JSON with a config provider, like ${env:DATALAKE_KEY} or ${file:/etc/connect/lake.properties:key}.";

    public static final String SAS_TOKEN_CONFIG = "datalake.sas.token";
    private static final String SAS_TOKEN_DOC = "With datalake.auth.type=sas: the SAS token (the query string, with or without "
            + "the leading '?'). Keep it out of connector JSON with a config provider.";

    public static final String TENANT_ID_CONFIG = "datalake.auth.tenant.id";
    private static final String TENANT_ID_DOC = "Microsoft Entra tenant id of the service principal: needed with client-secret; "
            + "with workload-identity it overrides AZURE_TENANT_ID.";

    public static final String CLIENT_ID_CONFIG = "datalake.auth.client.id";
    private static final String CLIENT_ID_DOC = "Application (client) id: of the service principal with client-secret (needed), "
            + "of a user-assigned managed identity with managed-identity (empty: the system-assigned one), or overriding "
            + "AZURE_CLIENT_ID with workload-identity.";

    public static final String CLIENT_SECRET_CONFIG = "datalake.auth.client.secret";
    private static final String CLIENT_SECRET_DOC = "With datalake.auth.type=client-secret: the service principal's secret. "
            + "Keep it out of connector JSON with a config provider.";

    public static final String AUTHORITY_HOST_CONFIG = "datalake.auth.authority.host";
    private static final String AUTHORITY_HOST_DOC = "Microsoft Entra authority for client-secret and workload-identity, for "
            + "national clouds, like https://login.microsoftonline.us/. Empty: the public cloud.";

    // ---- Layout ----
    public static final String TOPICS_DIR_CONFIG = "datalake.topics.dir";
    private static final String TOPICS_DIR_DOC = "The directory, inside the file system, that holds a directory per topic. The "
            + "connector keeps its own state beside them in '_index' and '_tmp' (which Spark, Hive and DuckDB globs skip).";

    public static final String PATH_TEMPLATE_CONFIG = "datalake.path.template";
    private static final String PATH_TEMPLATE_DOC = "The directory of each record's file below datalake.topics.dir. Variables: "
            + "${topic}, ${partition} (Kafka's), ${time:<pattern>} (the record time in datalake.partition.timezone, a Java "
            + "DateTimeFormatter pattern), ${value.<field>} (dots for nesting, like ${value.site.id}), ${key} and "
            + "${key.<field>}. Field values are escaped as Hive escapes them, so no value can add or leave a directory; a "
            + "null value is __HIVE_DEFAULT_PARTITION__. Files are named <topic>+<partition>+<start offset>.<extension>. "
            + "Completeness markers need the template to start with time directories (after ${topic}).";

    public static final String TIME_FIELD_CONFIG = "datalake.partition.time.field";
    private static final String TIME_FIELD_DOC = "The value field holding the record time for ${time:...}, record-time rotation "
            + "and completeness markers (dots for nesting): epoch milliseconds, a Connect Timestamp or an ISO-8601 string. "
            + "Empty: the record's Kafka timestamp. A record without a readable time is a failed record.";

    public static final String TIMEZONE_CONFIG = "datalake.partition.timezone";
    private static final String TIMEZONE_DOC = "The time zone of ${time:...} directories, like UTC or Europe/Amsterdam.";

    // ---- Format ----
    public static final String FORMAT_CONFIG = "datalake.format";
    private static final String FORMAT_DOC = "The file format: 'parquet', 'avro' (Avro object container files) or 'json' "
            + "(JSON lines). Connect schemas become Parquet and Avro types with their logical types (timestamp, date, time, "
            + "decimal); a change of schema starts a new file.";

    public static final String COMPRESSION_CONFIG = "datalake.format.compression";
    private static final String COMPRESSION_DOC = "The compression codec: parquet snappy (default), zstd, gzip or none; avro "
            + "snappy (default), deflate or none; json none (default) or gzip (files end in .json.gz). Empty: the format's "
            + "default.";

    public static final String SCHEMALESS_CONFIG = "datalake.format.schemaless";
    private static final String SCHEMALESS_DOC = "What a value without a Connect schema (a map, from a JSON converter with "
            + "schemas.enable=false) becomes with parquet or avro: 'infer' (typed columns from the values; a new field or a "
            + "wider number starts a new file whose schema holds both), or 'json' (JSON lines files of their own beside the "
            + "typed ones).";

    public static final String COLUMNS_CONFIG = "datalake.columns";
    private static final String COLUMNS_DOC = "Record metadata written as columns beside the value's fields: any of topic, "
            + "partition, offset, timestamp, key (as a string) and headers (a map of name to string), comma-separated. "
            + "Empty: the value's fields only.";

    public static final String COLUMNS_PREFIX_CONFIG = "datalake.columns.prefix";
    private static final String COLUMNS_PREFIX_DOC = "Prefix of the metadata columns (kafka_offset, ...), so they cannot clash "
            + "with the value's fields.";

    public static final String TOMBSTONES_CONFIG = "datalake.tombstones";
    private static final String TOMBSTONES_DOC = "What a record with a null value does: 'ignore' it, 'fail' (a failed record), or "
            + "'write' a row whose value columns are null (with the metadata columns, so a key's deletion is kept).";

    public static final String PARQUET_ROW_GROUP_BYTES_CONFIG = "datalake.parquet.row.group.bytes";
    private static final String PARQUET_ROW_GROUP_BYTES_DOC = "Parquet row group size: what each open Parquet file holds in "
            + "memory before it writes a row group. With datalake.open.files.max it bounds the memory of a task.";

    // ---- Rotation ----
    public static final String ROTATE_RECORDS_CONFIG = "datalake.rotate.records";
    private static final String ROTATE_RECORDS_DOC = "Commit a file when it holds this many records. A million readings of a "
            + "few fields make a Parquet file of about 5 MB; quiet devices' files are closed by datalake.rotate.schedule.ms.";

    public static final String ROTATE_BYTES_CONFIG = "datalake.rotate.bytes";
    private static final String ROTATE_BYTES_DOC = "Commit a file when it holds about this many bytes (encoded and compressed).";

    public static final String ROTATE_INTERVAL_CONFIG = "datalake.rotate.interval.ms";
    private static final String ROTATE_INTERVAL_DOC = "Commit a file when a record's time is this much past the time of the "
            + "file's first record. 0: off (time directories already close files at their boundary).";

    public static final String ROTATE_SCHEDULE_CONFIG = "datalake.rotate.schedule.ms";
    private static final String ROTATE_SCHEDULE_DOC = "Commit a file at the latest this long (wall clock) after its first record, "
            + "so quiet devices' data still lands. Exactly-once does not depend on it: the per-partition index records what "
            + "each commit covered.";

    public static final String OPEN_FILES_MAX_CONFIG = "datalake.open.files.max";
    private static final String OPEN_FILES_MAX_DOC = "The most files one task keeps open; at the bound, the oldest open file is "
            + "committed before another opens. It bounds memory with many devices or hours at once.";

    public static final String UPLOAD_BUFFER_CONFIG = "datalake.upload.buffer.bytes";
    private static final String UPLOAD_BUFFER_DOC = "How much of a file is sent to the lake per append request.";

    // ---- Commit and recovery ----
    public static final String MARKER_CONFIG = "datalake.completeness.marker";
    private static final String MARKER_DOC = "The file written into each time directory (the template's leading time "
            + "directories, like dt=.../hour=...) once every partition of the topic has committed records past its end, so a "
            + "daily job knows the day is complete. Empty: no markers.";

    public static final String MARKER_LATENESS_CONFIG = "datalake.completeness.lateness.ms";
    private static final String MARKER_LATENESS_DOC = "How far past a time directory's end every partition must be before its "
            + "marker is written: room for late records. Records that arrive later still land in their directory.";

    public static final String RETRY_MAX_TRIES_CONFIG = "datalake.retry.max.tries";
    private static final String RETRY_MAX_TRIES_DOC = "How often one storage request is tried when it fails transiently (429, "
            + "500, 503, time-outs, a dropped connection), with exponential back-off.";

    public static final String RETRY_TRY_TIMEOUT_CONFIG = "datalake.retry.try.timeout.ms";
    private static final String RETRY_TRY_TIMEOUT_DOC = "Time-out of one storage request.";

    public static final String RETRY_DELAY_MAX_CONFIG = "datalake.retry.delay.max.ms";
    private static final String RETRY_DELAY_MAX_DOC = "The longest back-off between tries.";

    public static final String STORAGE_FAILURES_MAX_CONFIG = "datalake.storage.failures.max";
    private static final String STORAGE_FAILURES_MAX_DOC = "When a file cannot be written after every try, its partition's "
            + "open files are dropped and the partition is read again from its last commit. After this many such failures "
            + "in a row (no commit between) the task fails with the storage error, rather than retrying for ever.";

    public static final String ERRORS_REPORT_TIMEOUT_CONFIG = "datalake.errors.report.timeout.ms";
    private static final String ERRORS_REPORT_TIMEOUT_DOC = "How long a record sent to the dead letter queue may go "
            + "unacknowledged. Until the queue has it, the partition's committed offset in the lake stays below it (files "
            + "after it are committed all the same), so that a restart reads and reports it again; past this time, or "
            + "when sending it failed, the task fails naming the record.";
    private static final long ERRORS_REPORT_TIMEOUT_DEFAULT = 300_000L;

    // ---- Kafka topic ids ----
    /** Settings of the connector's own Kafka admin client: this prefix and any admin client setting. */
    public static final String KAFKA_CLIENT_PREFIX = "datalake.kafka.";

    public static final String KAFKA_BOOTSTRAP_SERVERS_CONFIG = KAFKA_CLIENT_PREFIX + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG;
    private static final String KAFKA_BOOTSTRAP_SERVERS_DOC = "Kafka brokers (host:port, comma-separated) the connector "
            + "reads topic ids from, with an admin client of its own: Connect does not give a sink task the id of a topic. "
            + "A topic deleted and created again keeps its name and gets a new id, and its offsets start over; with ids, "
            + "the partition index and every file record the topic's id, and a partition of a topic created again fails "
            + "naming both ids instead of being read from offsets of the old topic. Empty: no ids; a topic created again "
            + "with fewer records than the lake committed is still refused (its records arrive below the committed "
            + "offset), one created again with more is not noticed. Any other Kafka admin client setting is passed on "
            + "under the same prefix, like datalake.kafka.security.protocol or datalake.kafka.sasl.mechanism; the "
            + "client needs permission to describe the topics.";

    public static final ConfigDef CONFIG_DEF = configDef();

    private static final Pattern FILESYSTEM_NAME = Pattern.compile("[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]");

    private final PathTemplate pathTemplate;

    public DataLakeSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        pathTemplate = PathTemplate.parse(getString(PATH_TEMPLATE_CONFIG), zone());
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(ENDPOINT_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new EndpointValidator(),
                Importance.HIGH, ENDPOINT_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Endpoint");
        def.define(ALLOW_PLAINTEXT_ENDPOINT_CONFIG, Type.BOOLEAN, false, Importance.LOW, ALLOW_PLAINTEXT_ENDPOINT_DOC,
                CONNECTION_GROUP, ++order, Width.SHORT, "Allow an endpoint without TLS");
        def.define(ACCOUNT_NAME_CONFIG, Type.STRING, "", Importance.LOW, ACCOUNT_NAME_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "Account name");
        def.define(FILESYSTEM_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Validators.parsedBy(
                        "3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit",
                        name -> {
                            if (!FILESYSTEM_NAME.matcher(name).matches()) {
                                throw new IllegalArgumentException("not a file system name");
                            }
                        }),
                Importance.HIGH, FILESYSTEM_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "File system");
        def.define(FILESYSTEM_CREATE_CONFIG, Type.BOOLEAN, false, Importance.LOW, FILESYSTEM_CREATE_DOC, CONNECTION_GROUP,
                ++order, Width.SHORT, "Create file system");
        def.define(AUTH_TYPE_CONFIG, Type.STRING, "account-key", Validators.oneOf(AuthType.class), Importance.HIGH,
                AUTH_TYPE_DOC, CONNECTION_GROUP, ++order, Width.MEDIUM, "Authentication");
        def.define(ACCOUNT_KEY_CONFIG, Type.PASSWORD, null, Importance.HIGH, ACCOUNT_KEY_DOC, CONNECTION_GROUP, ++order,
                Width.LONG, "Account key");
        def.define(SAS_TOKEN_CONFIG, Type.PASSWORD, null, Importance.HIGH, SAS_TOKEN_DOC, CONNECTION_GROUP, ++order,
                Width.LONG, "SAS token");
        def.define(TENANT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, TENANT_ID_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "Tenant id");
        def.define(CLIENT_ID_CONFIG, Type.STRING, "", Importance.MEDIUM, CLIENT_ID_DOC, CONNECTION_GROUP, ++order,
                Width.MEDIUM, "Client id");
        def.define(CLIENT_SECRET_CONFIG, Type.PASSWORD, null, Importance.MEDIUM, CLIENT_SECRET_DOC, CONNECTION_GROUP,
                ++order, Width.LONG, "Client secret");
        def.define(AUTHORITY_HOST_CONFIG, Type.STRING, "", Validators.parsedBy("an https URL, or empty", text -> {
                    if (!text.isBlank() && !text.trim().startsWith("https://")) {
                        throw new IllegalArgumentException("not an https URL");
                    }
                }), Importance.LOW, AUTHORITY_HOST_DOC, CONNECTION_GROUP, ++order, Width.LONG, "Authority host");

        order = 0;
        def.define(TOPICS_DIR_CONFIG, Type.STRING, "topics", Validators.parsedBy(
                        "a directory path like topics or lake/raw, without '..' or leading '_'", DataLakeSinkConfig::checkTopicsDir),
                Importance.MEDIUM, TOPICS_DIR_DOC, LAYOUT_GROUP, ++order, Width.MEDIUM, "Topics directory");
        def.define(PATH_TEMPLATE_CONFIG, Type.STRING, "${topic}/dt=${time:yyyy-MM-dd}/hour=${time:HH}",
                Validators.parsedBy("a template like ${topic}/dt=${time:yyyy-MM-dd}/deviceId=${value.deviceId}",
                        text -> PathTemplate.parse(text, ZoneId.of("UTC"))),
                Importance.HIGH, PATH_TEMPLATE_DOC, LAYOUT_GROUP, ++order, Width.LONG, "Path template");
        def.define(TIME_FIELD_CONFIG, Type.STRING, "", Validators.parsedBy("a field path like ts or meta.time, or empty",
                        text -> {
                            if (!text.isBlank()) {
                                FieldPath.parse(text);
                            }
                        }),
                Importance.MEDIUM, TIME_FIELD_DOC, LAYOUT_GROUP, ++order, Width.MEDIUM, "Time field");
        def.define(TIMEZONE_CONFIG, Type.STRING, "UTC", Validators.parsedBy("a zone id like UTC or Europe/Amsterdam", text -> {
                    try {
                        ZoneId.of(text.trim());
                    } catch (DateTimeException e) {
                        // ZoneRulesException is not an IllegalArgumentException: without this, validate() would fail whole.
                        throw new IllegalArgumentException(e.getMessage() + "; use a region id like Europe/Amsterdam, or UTC");
                    }
                }),
                Importance.LOW, TIMEZONE_DOC, LAYOUT_GROUP, ++order, Width.SHORT, "Time zone");

        order = 0;
        def.define(FORMAT_CONFIG, Type.STRING, "parquet", Validators.oneOf(FileFormat.class), Importance.HIGH, FORMAT_DOC,
                FORMAT_GROUP, ++order, Width.SHORT, "Format");
        def.define(COMPRESSION_CONFIG, Type.STRING, "", Importance.MEDIUM, COMPRESSION_DOC, FORMAT_GROUP, ++order,
                Width.SHORT, "Compression");
        def.define(SCHEMALESS_CONFIG, Type.STRING, "infer", Validators.oneOf(SchemalessHandling.class), Importance.MEDIUM,
                SCHEMALESS_DOC, FORMAT_GROUP, ++order, Width.SHORT, "Schemaless values");
        def.define(COLUMNS_CONFIG, Type.LIST, "", new ColumnsValidator(),
                Importance.MEDIUM, COLUMNS_DOC, FORMAT_GROUP, ++order, Width.LONG, "Metadata columns");
        def.define(COLUMNS_PREFIX_CONFIG, Type.STRING, "kafka_", Validators.parsedBy("letters, digits and '_', starting with a "
                        + "letter or '_'", text -> {
                            if (!text.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                                throw new IllegalArgumentException("not a column name prefix");
                            }
                        }),
                Importance.LOW, COLUMNS_PREFIX_DOC, FORMAT_GROUP, ++order, Width.SHORT, "Metadata column prefix");
        def.define(TOMBSTONES_CONFIG, Type.STRING, "ignore", Validators.oneOf(TombstoneHandling.class), Importance.MEDIUM,
                TOMBSTONES_DOC, FORMAT_GROUP, ++order, Width.SHORT, "Tombstones");
        def.define(PARQUET_ROW_GROUP_BYTES_CONFIG, Type.INT, 8 * 1024 * 1024, ConfigDef.Range.between(64 * 1024, 512 * 1024 * 1024),
                Importance.LOW, PARQUET_ROW_GROUP_BYTES_DOC, FORMAT_GROUP, ++order, Width.SHORT, "Parquet row group");

        order = 0;
        def.define(ROTATE_RECORDS_CONFIG, Type.INT, 1_000_000, ConfigDef.Range.between(1, Integer.MAX_VALUE), Importance.HIGH,
                ROTATE_RECORDS_DOC, ROTATION_GROUP, ++order, Width.SHORT, "Records per file");
        def.define(ROTATE_BYTES_CONFIG, Type.LONG, 128L * 1024 * 1024, ConfigDef.Range.between(1024, 64L * 1024 * 1024 * 1024),
                Importance.MEDIUM, ROTATE_BYTES_DOC, ROTATION_GROUP, ++order, Width.SHORT, "Bytes per file");
        def.define(ROTATE_INTERVAL_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.MEDIUM, ROTATE_INTERVAL_DOC,
                ROTATION_GROUP, ++order, Width.SHORT, "Record-time interval");
        def.define(ROTATE_SCHEDULE_CONFIG, Type.LONG, 600_000L, ConfigDef.Range.between(1_000, 7L * 24 * 3600 * 1000),
                Importance.MEDIUM, ROTATE_SCHEDULE_DOC, ROTATION_GROUP, ++order, Width.SHORT, "Wall-clock schedule");
        def.define(OPEN_FILES_MAX_CONFIG, Type.INT, 64, ConfigDef.Range.between(1, 10_000), Importance.MEDIUM,
                OPEN_FILES_MAX_DOC, ROTATION_GROUP, ++order, Width.SHORT, "Open files");
        def.define(UPLOAD_BUFFER_CONFIG, Type.INT, 4 * 1024 * 1024, ConfigDef.Range.between(64 * 1024, 100 * 1024 * 1024),
                Importance.LOW, UPLOAD_BUFFER_DOC, ROTATION_GROUP, ++order, Width.SHORT, "Upload buffer");

        order = 0;
        def.define(MARKER_CONFIG, Type.STRING, "_SUCCESS", Validators.parsedBy("a file name like _SUCCESS, or empty", text -> {
                    if (!text.isEmpty() && !text.matches("[A-Za-z0-9_.-]+")) {
                        throw new IllegalArgumentException("not a file name");
                    }
                }), Importance.MEDIUM, MARKER_DOC, COMMIT_GROUP, ++order, Width.SHORT, "Completeness marker");
        def.define(MARKER_LATENESS_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW, MARKER_LATENESS_DOC,
                COMMIT_GROUP, ++order, Width.SHORT, "Marker lateness");
        def.define(RETRY_MAX_TRIES_CONFIG, Type.INT, 6, ConfigDef.Range.between(1, 100), Importance.LOW,
                RETRY_MAX_TRIES_DOC, COMMIT_GROUP, ++order, Width.SHORT, "Tries per request");
        def.define(RETRY_TRY_TIMEOUT_CONFIG, Type.LONG, 60_000L, ConfigDef.Range.between(1_000, 3_600_000), Importance.LOW,
                RETRY_TRY_TIMEOUT_DOC, COMMIT_GROUP, ++order, Width.SHORT, "Request time-out");
        def.define(RETRY_DELAY_MAX_CONFIG, Type.LONG, 30_000L, ConfigDef.Range.between(10, 600_000), Importance.LOW,
                RETRY_DELAY_MAX_DOC, COMMIT_GROUP, ++order, Width.SHORT, "Longest back-off");
        def.define(STORAGE_FAILURES_MAX_CONFIG, Type.INT, 5, ConfigDef.Range.between(1, 1000), Importance.LOW,
                STORAGE_FAILURES_MAX_DOC, COMMIT_GROUP, ++order, Width.SHORT, "Storage failures in a row");
        def.define(ERRORS_REPORT_TIMEOUT_CONFIG, Type.LONG, ERRORS_REPORT_TIMEOUT_DEFAULT,
                ConfigDef.Range.between(1_000, 24L * 3600 * 1000), Importance.LOW, ERRORS_REPORT_TIMEOUT_DOC, COMMIT_GROUP,
                ++order, Width.SHORT, "Dead letter acknowledgement time-out");

        order = 0;
        def.define(KAFKA_BOOTSTRAP_SERVERS_CONFIG, Type.STRING, "", Validators.parsedBy(
                        "host:port pairs, comma-separated, or empty", DataLakeSinkConfig::checkBootstrapServers),
                Importance.MEDIUM, KAFKA_BOOTSTRAP_SERVERS_DOC, KAFKA_GROUP, ++order, Width.LONG, "Kafka bootstrap servers");
        // Every secret the admin client takes is declared as a password, so Connect masks it like the storage keys.
        for (ConfigDef.ConfigKey key : new TreeMap<>(AdminClientConfig.configDef().configKeys()).values()) {
            if (key.type == Type.PASSWORD) {
                def.define(KAFKA_CLIENT_PREFIX + key.name, Type.PASSWORD, null, Importance.LOW, "The Kafka admin client's "
                        + key.name + " (a password: use a config provider), for " + KAFKA_BOOTSTRAP_SERVERS_CONFIG + ".",
                        KAFKA_GROUP, ++order, Width.LONG, "Kafka " + key.name);
            }
        }
        return def;
    }

    /**
     * An http(s) URL with a host and without a query string. An endpoint with one is refused without repeating it (a
     * query string is where a SAS token would be), and before the config is parsed, so that the config's own listing
     * of its values (at INFO) never shows it.
     */
    private static final class EndpointValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            String text = value == null ? "" : value.toString().trim();
            // Any query string, not only one with sig=: the SDK takes a query as a SAS token, and nothing else
            // belongs there.
            if (text.indexOf('?') >= 0) {
                throw new ConfigException(name + " has a query string, which would be written to the logs and to Connect's "
                        + "configuration as it is: give the endpoint alone, and a SAS token in " + SAS_TOKEN_CONFIG
                        + " (with " + AUTH_TYPE_CONFIG + "=sas), which stays hidden");
            }
            URI uri;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                throw new ConfigException(name + " is not a URL (" + e.getReason() + ")");
            }
            if (uri.getRawUserInfo() != null) {
                // user:password@ would be logged as it is, like a query string.
                throw new ConfigException(name + " holds a user name (and perhaps a password) before its host: give the "
                        + "endpoint alone, and the credentials in the keys of " + AUTH_TYPE_CONFIG + ", which stay hidden");
            }
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException(name, value, "not an http(s) URL with a host");
            }
        }

        @Override
        public String toString() {
            return "an http(s) URL like https://<account>.dfs.core.windows.net, without a query string";
        }
    }

    private static void checkBootstrapServers(String text) {
        if (text.isBlank()) {
            return;
        }
        for (String server : text.split(",")) {
            String address = server.trim();
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || !address.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("'" + address + "' is not host:port");
            }
        }
    }

    private static void checkTopicsDir(String text) {
        String dir = text.trim();
        if (dir.isEmpty() || dir.startsWith("/") || dir.endsWith("/")) {
            throw new IllegalArgumentException("empty, or starts or ends with '/'");
        }
        for (String segment : dir.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith("_")) {
                throw new IllegalArgumentException("directory '" + segment + "' is empty, '.', '..' or hidden");
            }
        }
    }

    private static final class ColumnsValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> names = value == null ? List.of() : (List<?>) value;
            try {
                parseColumns(names.stream().map(String::valueOf).toList());
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "any of " + String.join(", ", Validators.names(RecordColumn.class)) + ", comma-separated";
        }
    }

    static Set<RecordColumn> parseColumns(List<String> names) {
        Set<RecordColumn> columns = EnumSet.noneOf(RecordColumn.class);
        for (String name : names) {
            if (!name.isBlank()) {
                columns.add(Validators.parseEnum(RecordColumn.class, name));
            }
        }
        return columns;
    }

    /** What validate() and start() refuse: settings that are wrong together, each on the key to fix. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> problems = new ArrayList<>();
        plaintextEndpointProblem().ifPresent(problems::add);
        authProblem().ifPresent(problems::add);
        String codec = getString(COMPRESSION_CONFIG).trim();
        if (!codec.isEmpty() && !format().codecs().contains(codec)) {
            problems.add(new ConfigProblem(COMPRESSION_CONFIG, Validators.configName(format()) + " files offer "
                    + String.join(", ", format().codecs()) + "; pick one of them, or leave it empty for "
                    + format().defaultCodec()));
        }
        if (accountName().isEmpty() && authType() == AuthType.ACCOUNT_KEY) {
            problems.add(new ConfigProblem(ACCOUNT_NAME_CONFIG, "the account name cannot be read from " + ENDPOINT_CONFIG
                    + "; give it here"));
        }
        problems.addAll(kafkaClientProblems());
        return problems;
    }

    /** Keys under datalake.kafka. that are no admin client setting, or that have no bootstrap servers to go with. */
    private List<ConfigProblem> kafkaClientProblems() {
        List<ConfigProblem> problems = new ArrayList<>();
        boolean bootstrap = !getString(KAFKA_BOOTSTRAP_SERVERS_CONFIG).isBlank();
        for (String key : new TreeSet<>(originalsWithPrefix(KAFKA_CLIENT_PREFIX, false).keySet())) {
            String setting = key.substring(KAFKA_CLIENT_PREFIX.length());
            if (!AdminClientConfig.configNames().contains(setting)) {
                problems.add(new ConfigProblem(key, "'" + setting + "' is not a Kafka admin client setting; the keys under "
                        + KAFKA_CLIENT_PREFIX + " configure the client that reads topic ids"));
            } else if (!bootstrap && !key.equals(KAFKA_BOOTSTRAP_SERVERS_CONFIG) && originals().get(key) != null) {
                problems.add(new ConfigProblem(key, "it configures the client that reads topic ids, which "
                        + KAFKA_BOOTSTRAP_SERVERS_CONFIG + " turns on; set that too, or remove this"));
            }
        }
        return problems;
    }

    /** An http:// endpoint beyond this machine, unless explicitly allowed: the data and the sign-in in clear text. */
    private Optional<ConfigProblem> plaintextEndpointProblem() {
        URI uri = URI.create(endpoint());
        if (!"http".equals(uri.getScheme()) || allowPlaintextEndpoint() || LoopbackHosts.isLoopback(uri.getHost())) {
            return Optional.empty();
        }
        return problem(ENDPOINT_CONFIG, "http:// to " + uri.getHost() + ", which is not this machine, would carry every file "
                + "and every signed request (with " + AUTH_TYPE_CONFIG + "=sas, the token itself) across the network in clear "
                + "text: use https://, or set " + ALLOW_PLAINTEXT_ENDPOINT_CONFIG + "=true for a lake inside a network you "
                + "trust");
    }

    private Optional<ConfigProblem> authProblem() {
        switch (authType()) {
            case ACCOUNT_KEY:
                return isBlank(accountKey()) ? problem(ACCOUNT_KEY_CONFIG, AUTH_TYPE_CONFIG + "=account-key needs the account "
                        + "key; give it, e.g. as ${env:DATALAKE_KEY}, or use " + AUTH_TYPE_CONFIG + "=sas or Microsoft Entra ID")
                        : Optional.empty();
            case SAS:
                return isBlank(sasToken()) ? problem(SAS_TOKEN_CONFIG, AUTH_TYPE_CONFIG + "=sas needs the SAS token; give it, "
                        + "e.g. as ${env:DATALAKE_SAS}") : Optional.empty();
            case CLIENT_SECRET:
                if (tenantId().isEmpty()) {
                    return problem(TENANT_ID_CONFIG, AUTH_TYPE_CONFIG + "=client-secret needs the tenant id of the service principal");
                }
                if (clientId().isEmpty()) {
                    return problem(CLIENT_ID_CONFIG, AUTH_TYPE_CONFIG + "=client-secret needs the application (client) id of the "
                            + "service principal");
                }
                return isBlank(clientSecret()) ? problem(CLIENT_SECRET_CONFIG, AUTH_TYPE_CONFIG
                        + "=client-secret needs the service principal's secret") : Optional.empty();
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

    public String endpoint() {
        String endpoint = getString(ENDPOINT_CONFIG).trim();
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }

    public boolean allowPlaintextEndpoint() {
        return getBoolean(ALLOW_PLAINTEXT_ENDPOINT_CONFIG);
    }

    /** The account name: configured, or read from the endpoint; empty when neither gives one. */
    public String accountName() {
        String configured = getString(ACCOUNT_NAME_CONFIG).trim();
        if (!configured.isEmpty()) {
            return configured;
        }
        URI uri = URI.create(endpoint());
        String host = uri.getHost();
        int dot = host.indexOf('.');
        if (dot > 0 && !Character.isDigit(host.charAt(0)) && !host.equals("localhost")) {
            return host.substring(0, dot);
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String[] segments = path.split("/");
        return segments.length > 1 ? segments[1] : "";
    }

    public String filesystem() {
        return getString(FILESYSTEM_CONFIG);
    }

    public boolean createFilesystem() {
        return getBoolean(FILESYSTEM_CREATE_CONFIG);
    }

    public AuthType authType() {
        return Validators.parseEnum(AuthType.class, getString(AUTH_TYPE_CONFIG));
    }

    public Password accountKey() {
        return getPassword(ACCOUNT_KEY_CONFIG);
    }

    public Password sasToken() {
        return getPassword(SAS_TOKEN_CONFIG);
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

    public String authorityHost() {
        return getString(AUTHORITY_HOST_CONFIG).trim();
    }

    public String topicsDir() {
        return getString(TOPICS_DIR_CONFIG).trim();
    }

    public PathTemplate pathTemplate() {
        return pathTemplate;
    }

    public RecordTime recordTime() {
        String field = getString(TIME_FIELD_CONFIG).trim();
        return field.isEmpty() ? RecordTime.ofTimestamp(TIME_FIELD_CONFIG) : RecordTime.ofField(field, TIME_FIELD_CONFIG);
    }

    public ZoneId zone() {
        try {
            return ZoneId.of(getString(TIMEZONE_CONFIG).trim());
        } catch (DateTimeException e) {
            throw new ConfigException(TIMEZONE_CONFIG, getString(TIMEZONE_CONFIG), e.getMessage());
        }
    }

    public FileFormat format() {
        return Validators.parseEnum(FileFormat.class, getString(FORMAT_CONFIG));
    }

    public String compression() {
        String codec = getString(COMPRESSION_CONFIG).trim();
        return codec.isEmpty() ? format().defaultCodec() : codec;
    }

    public SchemalessHandling schemaless() {
        return Validators.parseEnum(SchemalessHandling.class, getString(SCHEMALESS_CONFIG));
    }

    public Set<RecordColumn> columns() {
        return parseColumns(getList(COLUMNS_CONFIG));
    }

    public String columnsPrefix() {
        return getString(COLUMNS_PREFIX_CONFIG);
    }

    public TombstoneHandling tombstones() {
        return Validators.parseEnum(TombstoneHandling.class, getString(TOMBSTONES_CONFIG));
    }

    public int parquetRowGroupBytes() {
        return getInt(PARQUET_ROW_GROUP_BYTES_CONFIG);
    }

    public int rotateRecords() {
        return getInt(ROTATE_RECORDS_CONFIG);
    }

    public long rotateBytes() {
        return getLong(ROTATE_BYTES_CONFIG);
    }

    public long rotateIntervalMs() {
        return getLong(ROTATE_INTERVAL_CONFIG);
    }

    public long rotateScheduleMs() {
        return getLong(ROTATE_SCHEDULE_CONFIG);
    }

    public int openFilesMax() {
        return getInt(OPEN_FILES_MAX_CONFIG);
    }

    public int uploadBufferBytes() {
        return getInt(UPLOAD_BUFFER_CONFIG);
    }

    /** The marker file name, or empty when markers are off. */
    public String marker() {
        return getString(MARKER_CONFIG).trim();
    }

    public long markerLatenessMs() {
        return getLong(MARKER_LATENESS_CONFIG);
    }

    public int retryMaxTries() {
        return getInt(RETRY_MAX_TRIES_CONFIG);
    }

    public long retryTryTimeoutMs() {
        return getLong(RETRY_TRY_TIMEOUT_CONFIG);
    }

    public long retryDelayMaxMs() {
        return getLong(RETRY_DELAY_MAX_CONFIG);
    }

    public int storageFailuresMax() {
        return getInt(STORAGE_FAILURES_MAX_CONFIG);
    }

    public long errorsReportTimeoutMs() {
        return getLong(ERRORS_REPORT_TIMEOUT_CONFIG);
    }

    /**
     * The settings of the admin client that reads topic ids: every {@code datalake.kafka.*} key without the prefix,
     * passwords as their values; empty when {@code datalake.kafka.bootstrap.servers} is not set.
     */
    public Map<String, Object> kafkaClientProps() {
        String bootstrap = getString(KAFKA_BOOTSTRAP_SERVERS_CONFIG).trim();
        if (bootstrap.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "iot-connect-datalake-topic-ids");
        originalsWithPrefix(KAFKA_CLIENT_PREFIX).forEach((setting, value) -> {
            if (value != null) {
                props.put(setting, value instanceof Password password ? password.value() : value);
            }
        });
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return props;
    }
}
