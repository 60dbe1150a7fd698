package io.iotconnect.iothub.client;

import io.iotconnect.iothub.config.StartPosition;

import java.util.Objects;

/**
 * Where a partition's receive opens: right after an event the connector already has (its sequence number), or at
 * the configured start position for a partition without an offset.
 */
public record ReadPosition(StartPosition start, Long afterSequenceNumber) {

    public ReadPosition {
        if ((start == null) == (afterSequenceNumber == null)) {
            throw new IllegalArgumentException("either a start position or a sequence number");
        }
    }

    public static ReadPosition of(StartPosition start) {
        return new ReadPosition(Objects.requireNonNull(start), null);
    }

    /** After (excluding) this sequence number. */
    public static ReadPosition after(long sequenceNumber) {
        return new ReadPosition(null, sequenceNumber);
    }

    @Override
    public String toString() {
        return start != null ? start.toString() : "after sequence number " + afterSequenceNumber;
    }
}
