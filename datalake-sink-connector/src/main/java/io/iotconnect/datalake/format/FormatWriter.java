package io.iotconnect.datalake.format;

import org.apache.kafka.connect.sink.SinkRecord;

import java.io.IOException;

/**
 * One file being written in one format. The file holds nothing a reader can see until {@link #finish()} has written
 * its footer and committed the data; then it is complete and can be renamed into place.
 */
public interface FormatWriter {

    /** Appends the record as a row; its value must fit the file's schema. */
    void write(SinkRecord record) throws IOException;

    /** About how many bytes the file holds so far, compressed, including what is buffered. */
    long bytes();

    /** Writes what is buffered and the footer, and commits the data; returns the file's size in bytes. */
    long finish() throws IOException;

    /** Gives the file up without finishing it (its data stays invisible); releases memory. */
    void abort();
}
