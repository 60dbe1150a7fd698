package io.iotconnect.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * One running stack per state directory: an exclusive lock on {@code stack.lock}, held for the launcher's life and
 * released by the operating system however it ends (even SIGKILL), so a stale file never blocks a new run. Beside it,
 * {@code stack.properties} says who holds it: the launcher's pid, when it started, and the ports, for
 * {@code ./run-local.sh status}, {@code stop} and {@code restart}.
 */
final class StackLock implements AutoCloseable {

    static final String LOCK_FILE = "stack.lock";
    static final String INFO_FILE = "stack.properties";

    private final Path state;
    private final FileChannel channel;
    private final FileLock lock;

    private StackLock(Path state, FileChannel channel, FileLock lock) {
        this.state = state;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or returns empty when a running stack holds it. Touches nothing else in {@code state}. */
    static Optional<StackLock> tryAcquire(Path state) {
        try {
            Files.createDirectories(state);
            FileChannel channel = FileChannel.open(state.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this very JVM (a second stack started in-process)
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new StackLock(state, channel, lock));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + state.resolve(LOCK_FILE), e);
        }
    }

    /** True while a running stack holds the lock of {@code state}. */
    static boolean isHeld(Path state) {
        if (!Files.exists(state.resolve(LOCK_FILE))) {
            return false;
        }
        Optional<StackLock> probe = tryAcquire(state);
        probe.ifPresent(StackLock::close);
        return probe.isEmpty();
    }

    /** Records the running stack's pid, start time and ports. */
    void describe(StackPorts ports) {
        Properties info = new Properties();
        info.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        info.setProperty("started", Instant.now().toString());
        ports.writeTo(info);
        write(info);
    }

    /** Adds what the stack started besides its usual servers (the schema registry's address) to what it recorded. */
    void record(String key, String value) {
        Properties info = info(state);
        info.setProperty(key, value);
        write(info);
    }

    private void write(Properties info) {
        try (var out = Files.newBufferedWriter(state.resolve(INFO_FILE))) {
            info.store(out, "the running iot-connect local stack");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the running stack wrote about itself; empty properties when it wrote nothing yet. */
    static Properties info(Path state) {
        Properties info = new Properties();
        Path file = state.resolve(INFO_FILE);
        if (Files.exists(file)) {
            try (var in = Files.newBufferedReader(file)) {
                info.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return info;
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // released with the process anyway
        }
    }
}
