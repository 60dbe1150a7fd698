package io.iotconnect.datalake.format;

import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;

/** Avro object container files, the schema in the header, blocks streamed to the lake. */
final class AvroFormatWriter implements FormatWriter {

    private final AvroRows rows;
    private final FileOutput out;
    private final DataFileWriter<GenericRecord> writer;

    AvroFormatWriter(AvroRows rows, String codec, FileOutput out) throws IOException {
        this.rows = rows;
        this.out = out;
        this.writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(rows.avroSchema()));
        writer.setCodec(switch (codec) {
            case "snappy" -> CodecFactory.snappyCodec();
            case "deflate" -> CodecFactory.deflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
            default -> CodecFactory.nullCodec();
        });
        writer.create(rows.avroSchema(), out);
    }

    @Override
    public void write(SinkRecord record) throws IOException {
        writer.append(rows.toRow(record));
    }

    @Override
    public long bytes() {
        // Lags by at most one block (64 KiB of rows before compression).
        return out.position();
    }

    @Override
    public long finish() throws IOException {
        writer.close();
        return out.position();
    }

    @Override
    public void abort() {
        // Nothing to release beyond the writer's block buffer, dropped with it.
    }
}
