package io.iotconnect.datalake.commit;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * The lake holds something that does not belong with what the task is writing: a file of the same name with other
 * records, a partition written by another connector, an index gone missing, a topic that is not the one the index
 * counted. Retrying cannot help and carrying on would lose or double records, so it fails the task, with a message
 * that names the path and what differs; the writer never treats it as a storage failure to retry.
 */
public final class LakeMismatchException extends ConnectException {

    public LakeMismatchException(String message) {
        super(message);
    }
}
