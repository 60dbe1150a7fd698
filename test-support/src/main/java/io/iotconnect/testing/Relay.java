package io.iotconnect.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** One direction of a relayed connection, on a daemon thread: bytes copied until either end closes, then both close. */
final class Relay {

    private Relay() {
    }

    /** Copies {@code in} to {@code out} on a thread of its own and closes {@code ends} when the copy stops. */
    static void pipe(InputStream in, OutputStream out, String name, Closeable... ends) {
        Thread thread = new Thread(() -> {
            try {
                byte[] buffer = new byte[64 * 1024];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // One side went away; closing both below ends the other direction too.
            } finally {
                closeQuietly(ends);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    static void closeQuietly(Closeable... ends) {
        for (Closeable end : ends) {
            try {
                end.close();
            } catch (IOException e) {
                // Already closed or broken: nothing more to do.
            }
        }
    }
}
