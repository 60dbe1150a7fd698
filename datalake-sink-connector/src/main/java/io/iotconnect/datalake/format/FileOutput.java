package io.iotconnect.datalake.format;

import java.io.OutputStream;

/** Where a format writer's bytes go: a stream that knows how much it has taken and whose close() commits the data. */
public abstract class FileOutput extends OutputStream {

    /** Bytes written so far, buffered ones included. */
    public abstract long position();

    /** The file's path, for messages. */
    public abstract String path();

    /** Commits everything written; the data is visible afterwards. */
    @Override
    public abstract void close();
}
