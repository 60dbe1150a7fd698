package io.iotconnect.datalake.writer;

import io.iotconnect.datalake.commit.WrittenFile;
import io.iotconnect.datalake.format.FormatWriter;
import org.apache.kafka.connect.data.Schema;

/** A file of one partition being written: its writer, the schema its rows have, and what it holds so far. */
final class OpenFile {

    final String key;
    final String directory;
    final String extension;
    final String tempPath;
    final Schema rowSchema;
    final FormatWriter writer;
    final long openedAtMillis;
    final long sequence;
    long startOffset = -1;
    long endOffset = -1;
    long records;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    /** The last record value schema seen to fit, so a stream of one schema is checked once. */
    Schema lastFitting;

    OpenFile(String key, String directory, String extension, String tempPath, Schema rowSchema, FormatWriter writer,
             long openedAtMillis, long sequence) {
        this.key = key;
        this.directory = directory;
        this.extension = extension;
        this.tempPath = tempPath;
        this.rowSchema = rowSchema;
        this.writer = writer;
        this.openedAtMillis = openedAtMillis;
        this.sequence = sequence;
    }

    void added(long offset, long time) {
        if (startOffset < 0) {
            startOffset = offset;
        }
        endOffset = offset;
        records++;
        minTime = Math.min(minTime, time);
        maxTime = Math.max(maxTime, time);
    }

    WrittenFile written(String finalPath, long bytes) {
        return new WrittenFile(key, tempPath, finalPath, startOffset, endOffset, records, bytes, minTime, maxTime);
    }
}
