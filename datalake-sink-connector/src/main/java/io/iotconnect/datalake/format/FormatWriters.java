package io.iotconnect.datalake.format;

import io.iotconnect.datalake.config.FileFormat;
import io.iotconnect.datalake.config.RecordColumn;

import java.io.IOException;
import java.util.Set;

/** Opens a {@link FormatWriter} of the configured format over a lake stream. */
public final class FormatWriters {

    private final FileFormat format;
    private final String codec;
    private final Set<RecordColumn> columns;
    private final String prefix;
    private final int parquetRowGroupBytes;

    public FormatWriters(FileFormat format, String codec, Set<RecordColumn> columns, String prefix, int parquetRowGroupBytes) {
        this.format = format;
        this.codec = codec;
        this.columns = Set.copyOf(columns);
        this.prefix = prefix;
        this.parquetRowGroupBytes = parquetRowGroupBytes;
    }

    /** The rows of a file of this row schema (for Parquet and Avro). */
    public AvroRows rows(org.apache.kafka.connect.data.Schema rowSchema) {
        return new AvroRows(rowSchema, columns, prefix);
    }

    /**
     * A writer of {@code format} ({@code rows} is ignored for JSON). JSON lines with a codec of their own are how
     * schemaless values are written beside Parquet or Avro files, so the codec is the format's.
     */
    public FormatWriter open(FileFormat format, AvroRows rows, FileOutput out) throws IOException {
        String formatCodec = format == this.format ? codec : format.defaultCodec();
        return switch (format) {
            case PARQUET -> new ParquetFormatWriter(rows, formatCodec, parquetRowGroupBytes, out);
            case AVRO -> new AvroFormatWriter(rows, formatCodec, out);
            case JSON -> new JsonLinesFormatWriter(formatCodec, columns, prefix, out);
        };
    }

    /** The file name extension of {@code format} files, with {@code .gz} for gzip JSON lines. */
    public String extension(FileFormat format) {
        String formatCodec = format == this.format ? codec : format.defaultCodec();
        return format == FileFormat.JSON && formatCodec.equals("gzip") ? "json.gz" : format.extension();
    }
}
