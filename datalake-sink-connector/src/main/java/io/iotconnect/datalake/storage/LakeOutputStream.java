package io.iotconnect.datalake.storage;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.options.DataLakeFileFlushOptions;
import io.iotconnect.datalake.format.FileOutput;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file being written to the lake: bytes are buffered and sent by append requests of the buffer's size; nothing is
 * visible until {@link #close()} flushes (commits) everything appended. Not thread-safe.
 */
public final class LakeOutputStream extends FileOutput {

    private final DataLakeFileClient file;
    private final byte[] buffer;
    private int buffered;
    private long appended;
    private boolean closed;

    LakeOutputStream(DataLakeFileClient file, int bufferBytes) {
        this.file = file;
        this.buffer = new byte[bufferBytes];
    }

    @Override
    public long position() {
        return appended + buffered;
    }

    @Override
    public void write(int b) throws IOException {
        if (buffered == buffer.length) {
            send();
        }
        buffer[buffered++] = (byte) b;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        while (length > 0) {
            if (buffered == buffer.length) {
                send();
            }
            int chunk = Math.min(length, buffer.length - buffered);
            System.arraycopy(bytes, offset, buffer, buffered, chunk);
            buffered += chunk;
            offset += chunk;
            length -= chunk;
        }
    }

    private void send() {
        if (buffered == 0) {
            return;
        }
        // The append is synchronous (retries included), so the buffer is not reused before the SDK is done with it.
        file.append(BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, buffered).slice()), appended);
        appended += buffered;
        buffered = 0;
    }

    /** Sends what is buffered and commits the file's data: it becomes visible with its full length. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        send();
        file.flushWithResponse(appended, new DataLakeFileFlushOptions().setClose(true), null, Context.NONE);
        closed = true;
    }

    @Override
    public String path() {
        return file.getFilePath();
    }
}
