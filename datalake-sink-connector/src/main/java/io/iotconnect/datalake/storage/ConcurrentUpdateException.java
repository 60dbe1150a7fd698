package io.iotconnect.datalake.storage;

import org.apache.kafka.connect.errors.ConnectException;

/** A state file changed under a conditional replace: another task now owns what this one was writing. */
public final class ConcurrentUpdateException extends ConnectException {

    public ConcurrentUpdateException(String path, Throwable cause) {
        super(path + " was changed by another writer (a task that took over this partition)", cause);
    }
}
