package io.iotconnect.bench.datalake;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.options.DataLakeFileFlushOptions;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.nio.ByteBuffer;

/**
 * Parquet's output as a plain program streams it to ADLS Gen2: bytes gathered into a buffer, one append request per
 * full buffer, and a flush (with close) of everything appended when Parquet closes the stream. The file must exist.
 */
final class AppendOutputFile implements OutputFile {

    private final DataLakeFileClient file;
    private final byte[] buffer;
    private int buffered;
    private long appended;

    AppendOutputFile(DataLakeFileClient file, int bufferBytes) {
        this.file = file;
        this.buffer = new byte[bufferBytes];
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
                return appended + buffered;
            }

            @Override
            public void write(int b) {
                if (buffered == buffer.length) {
                    send();
                }
                buffer[buffered++] = (byte) b;
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
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

            @Override
            public void close() {
                send();
                file.flushWithResponse(appended, new DataLakeFileFlushOptions().setClose(true), null, Context.NONE);
            }
        };
    }

    private void send() {
        if (buffered == 0) {
            return;
        }
        file.append(BinaryData.fromByteBuffer(ByteBuffer.wrap(buffer, 0, buffered)), appended);
        appended += buffered;
        buffered = 0;
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
        return file.getFilePath();
    }
}
