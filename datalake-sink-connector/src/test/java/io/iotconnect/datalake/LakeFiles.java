package io.iotconnect.datalake;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The committed files of a lake, read from the directory behind the test endpoint with each format's own reader, the
 * way a data engineer's job sees them: state directories (names starting with '_') are skipped.
 */
public final class LakeFiles {

    private LakeFiles() {
    }

    /** Committed data files below {@code dir}, in name order. */
    public static List<Path> dataFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> !hidden(dir.relativize(file)))
                    .filter(file -> file.getFileName().toString().matches(".*\\.(parquet|avro|json|json\\.gz)"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith("_") || part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** Every row of every committed file below {@code dir}, as field name to value (Avro strings as Java strings). */
    public static List<Map<String, Object>> rows(Path dir) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Path file : dataFiles(dir)) {
            rows.addAll(rowsOf(file));
        }
        return rows;
    }

    public static List<Map<String, Object>> rowsOf(Path file) {
        String name = file.getFileName().toString();
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            if (name.endsWith(".parquet")) {
                try (ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(new LocalInputFile(file))
                        .withConf(new Configuration(false)).build()) {
                    for (GenericRecord row = reader.read(); row != null; row = reader.read()) {
                        rows.add(map(row));
                    }
                }
            } else if (name.endsWith(".avro")) {
                try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
                    reader.forEach(row -> rows.add(map(row)));
                }
            } else {
                ObjectMapper json = new ObjectMapper();
                byte[] bytes = Files.readAllBytes(file);
                if (name.endsWith(".gz")) {
                    bytes = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(bytes)).readAllBytes();
                }
                for (String line : new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank()) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> row = json.readValue(line, Map.class);
                        rows.add(row);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }

    private static Map<String, Object> map(GenericRecord record) {
        Map<String, Object> row = new HashMap<>();
        for (org.apache.avro.Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            row.put(field.name(), value instanceof CharSequence text ? text.toString() : value);
        }
        return row;
    }
}
