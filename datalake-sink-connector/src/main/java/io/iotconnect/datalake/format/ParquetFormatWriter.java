package io.iotconnect.datalake.format;

import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;
import java.util.Locale;

/** Parquet through parquet-avro, streamed to the lake as row groups fill: no local file. */
final class ParquetFormatWriter implements FormatWriter {

    private final AvroRows rows;
    private final FileOutput out;
    private final ParquetWriter<GenericRecord> writer;

    ParquetFormatWriter(AvroRows rows, String codec, int rowGroupBytes, FileOutput out) throws IOException {
        this.rows = rows;
        this.out = out;
        // A configuration that does not read Hadoop's *-site.xml files from the class path.
        Configuration conf = new Configuration(false);
        this.writer = AvroParquetWriter.<GenericRecord>builder(new StreamOutputFile(out))
                .withSchema(rows.avroSchema())
                .withConf(conf)
                .withCompressionCodec(codec(codec))
                .withRowGroupSize((long) rowGroupBytes)
                .withPageSize(Math.min(1024 * 1024, rowGroupBytes))
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .build();
    }

    private static CompressionCodecName codec(String codec) {
        return codec.equals("none") ? CompressionCodecName.UNCOMPRESSED : CompressionCodecName.valueOf(codec.toUpperCase(Locale.ROOT));
    }

    @Override
    public void write(SinkRecord record) throws IOException {
        writer.write(rows.toRow(record));
    }

    @Override
    public long bytes() {
        return writer.getDataSize();
    }

    @Override
    public long finish() throws IOException {
        writer.close();
        return out.position();
    }

    @Override
    public void abort() {
        // The column buffers are dropped with the writer; the lake file stays unflushed and is deleted by the caller.
    }

    /** Parquet's view of the lake stream. */
    private static final class StreamOutputFile implements OutputFile {
        private final FileOutput out;

        StreamOutputFile(FileOutput out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return stream();
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
            return stream();
        }

        private PositionOutputStream stream() {
            return new PositionOutputStream() {
                @Override
                public long getPos() {
                    return out.position();
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    out.write(bytes, offset, length);
                }

                @Override
                public void close() {
                    out.close();
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return out.path();
        }
    }
}
