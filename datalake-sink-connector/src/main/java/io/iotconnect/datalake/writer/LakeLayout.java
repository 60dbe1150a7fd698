package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.partition.PathEscaping;

import java.util.UUID;

/**
 * Where everything lives below {@code datalake.topics.dir}: data in the template's directories; the connector's own
 * state in {@code _index/<connector>/<topic>/<partition>.json} and {@code _tmp/<connector>/<topic>/<partition>/}; and,
 * shared by every connector on the directory, which connector writes each partition, in
 * {@code _owners/<topic>/<partition>.json}. Readers skip them all (Spark, Hive and DuckDB ignore names starting with
 * '_').
 */
public final class LakeLayout {

    private final String topicsDir;
    private final String connectorName;
    private final String connector;

    public LakeLayout(String topicsDir, String connector) {
        this.topicsDir = topicsDir;
        this.connectorName = connector;
        this.connector = PathEscaping.escape(connector);
    }

    /** The connector's name, as its files and indexes record it. */
    public String connectorName() {
        return connectorName;
    }

    /** A committed file's path: deterministic, so a file written again after a crash has the same name. */
    public String dataFile(String directory, String topic, int partition, long startOffset, String extension) {
        return topicsDir + "/" + directory + "/" + PathEscaping.escape(topic) + "+" + partition + "+"
                + String.format("%019d", startOffset) + "." + extension;
    }

    public String tempFile(String topic, int partition, String extension) {
        return tempDir(topic, partition) + "/" + UUID.randomUUID() + "." + extension;
    }

    public String tempDir(String topic, int partition) {
        return topicsDir + "/_tmp/" + connector + "/" + PathEscaping.escape(topic) + "/" + partition;
    }

    public String indexDir(String topic) {
        return topicsDir + "/_index/" + connector + "/" + PathEscaping.escape(topic);
    }

    public String indexFile(String topic, int partition) {
        return indexDir(topic) + "/" + partition + ".json";
    }

    /** Which connector writes the partition: one file per partition, whatever the connector's name. */
    public String ownerFile(String topic, int partition) {
        return ownerDir(topic) + "/" + partition + ".json";
    }

    public String ownerDir(String topic) {
        return topicsDir + "/_owners/" + PathEscaping.escape(topic);
    }

    /** The index directory of another connector (as a rename would leave it), for messages. */
    public String indexDirOf(String otherConnector) {
        return topicsDir + "/_index/" + PathEscaping.escape(otherConnector);
    }

    public String indexRoot() {
        return topicsDir + "/_index/" + connector;
    }

    public String marker(String timeDirectory, String name) {
        return topicsDir + "/" + timeDirectory + "/" + name;
    }

    public String topicsDir() {
        return topicsDir;
    }
}
