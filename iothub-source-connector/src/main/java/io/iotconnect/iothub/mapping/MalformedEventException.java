package io.iotconnect.iothub.mapping;

import org.apache.kafka.connect.errors.DataException;

import java.util.Locale;

/** An event that cannot become a record: where the mapping failed, why, and where in the body. */
public final class MalformedEventException extends DataException {

    /** Where in the mapping an event failed; written to the error record's iothub.error.stage header. */
    public enum Stage {
        VALUE, TIMESTAMP, HEADERS, SIZE;

        public String headerValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Stage stage;
    private final String reason;
    private final String position;

    public MalformedEventException(String partitionId, long sequenceNumber, Stage stage, String reason, String position) {
        super("malformed event " + sequenceNumber + " of partition " + partitionId + " (" + stage.headerValue() + "): " + reason
                + (position == null ? "" : " at " + position));
        this.stage = stage;
        this.reason = reason;
        this.position = position;
    }

    public Stage stage() {
        return stage;
    }

    public String reason() {
        return reason;
    }

    /** Where parsing stopped, or null. */
    public String position() {
        return position;
    }
}
