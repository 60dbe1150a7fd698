package io.iotconnect.datalake.format;

import java.io.ByteArrayOutputStream;

/** A file in memory, for format round trips. */
final class BytesOutput extends FileOutput {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private boolean closed;

    @Override
    public long position() {
        return bytes.size();
    }

    @Override
    public String path() {
        return "memory";
    }

    @Override
    public void write(int b) {
        bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        bytes.write(b, off, len);
    }

    @Override
    public void close() {
        closed = true;
    }

    boolean closed() {
        return closed;
    }

    byte[] toByteArray() {
        return bytes.toByteArray();
    }
}
