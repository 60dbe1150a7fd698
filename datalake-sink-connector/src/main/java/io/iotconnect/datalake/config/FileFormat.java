package io.iotconnect.datalake.config;

import java.util.List;

/** The file formats the sink writes, each with the compression codecs it offers (the first is its default). */
public enum FileFormat {
    PARQUET("parquet", List.of("snappy", "zstd", "gzip", "none")),
    AVRO("avro", List.of("snappy", "deflate", "none")),
    JSON("json", List.of("none", "gzip"));

    private final String extension;
    private final List<String> codecs;

    FileFormat(String extension, List<String> codecs) {
        this.extension = extension;
        this.codecs = codecs;
    }

    /** The file name extension, without the codec ({@code .json.gz} adds {@code .gz} for gzip). */
    public String extension() {
        return extension;
    }

    public List<String> codecs() {
        return codecs;
    }

    public String defaultCodec() {
        return codecs.get(0);
    }
}
