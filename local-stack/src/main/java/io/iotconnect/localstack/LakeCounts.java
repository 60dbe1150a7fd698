package io.iotconnect.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads what the lake sink committed, from the directory behind the local ADLS Gen2 endpoint, the way a data engineer
 * would: DuckDB over the Parquet files, with the Hive directories ({@code dt=}, {@code hour=}) as columns. Only
 * committed files count: the sink's state ({@code _index}, {@code _tmp}) is skipped, as every Hive-style glob skips it.
 */
final class LakeCounts implements AutoCloseable {

    private final Path topicsDir;
    private final Connection duckDb;

    /** {@code topicsDir}: the directory holding a directory per topic, like {@code .local-stack/lake/iot/topics}. */
    LakeCounts(Path topicsDir) {
        this.topicsDir = topicsDir;
        try {
            duckDb = DriverManager.getConnection("jdbc:duckdb:");
            try (Statement statement = duckDb.createStatement()) {
                // Everything needed is built in; never reach for the network to fetch an extension.
                statement.execute("SET autoinstall_known_extensions=false");
                statement.execute("SET autoload_known_extensions=false");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start DuckDB to read the lake: " + e.getMessage(), e);
        }
    }

    /** The glob of a topic's committed files, as a data engineer writes it. */
    String files(String topic) {
        return "read_parquet('" + topicsDir.resolve(topic).toString().replace("'", "''") + "/*/*/*.parquet', hive_partitioning=true)";
    }

    /** The query the summary shows: readings and average temperature per device. */
    String perDeviceQuery(String topic) {
        return "SELECT deviceId, count(*) AS readings, avg(temperature) AS avg_temperature FROM " + files(topic)
                + " GROUP BY deviceId ORDER BY deviceId";
    }

    /** Committed data files of a topic (0 while there are none). */
    long fileCount(String topic) {
        return count(topicsDir.resolve(topic), ".parquet");
    }

    /** Completeness markers written for a topic's time directories. */
    long markerCount(String topic, String marker) {
        return count(topicsDir.resolve(topic), marker);
    }

    /** Rows in a topic's committed files (0 while there are none). */
    long rows(String topic) {
        if (fileCount(topic) == 0) {
            return 0;
        }
        try (Statement sql = duckDb.createStatement(); ResultSet rs = sql.executeQuery("SELECT count(*) FROM " + files(topic))) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB cannot read " + files(topic) + ": " + e.getMessage(), e);
        }
    }

    /** The result of {@link #perDeviceQuery}: per device, its rows and their average temperature. */
    Map<String, PipelineVerdict.DeviceReadings> readingsByDevice(String topic) {
        Map<String, PipelineVerdict.DeviceReadings> devices = new LinkedHashMap<>();
        if (fileCount(topic) == 0) {
            return devices;
        }
        try (Statement sql = duckDb.createStatement(); ResultSet rs = sql.executeQuery(perDeviceQuery(topic))) {
            while (rs.next()) {
                devices.put(rs.getString(1), new PipelineVerdict.DeviceReadings(rs.getLong(2), rs.getDouble(3)));
            }
            return devices;
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB cannot run " + perDeviceQuery(topic) + ": " + e.getMessage(), e);
        }
    }

    private long count(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                return files.filter(Files::isRegularFile)
                        .filter(file -> dir.relativize(file).getName(0).toString().charAt(0) != '_')
                        .filter(file -> file.getFileName().toString().endsWith(suffix))
                        .count();
            } catch (IOException | UncheckedIOException e) {
                // The sink created a directory or renamed a file in while this walked: look again.
                if (attempt == 3) {
                    throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            duckDb.close();
        } catch (SQLException e) {
            // nothing to release beyond memory
        }
    }
}
