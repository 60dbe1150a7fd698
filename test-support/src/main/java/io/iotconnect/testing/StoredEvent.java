package io.iotconnect.testing;

/**
 * One event as a partition keeps it: its position and the AMQP sections sent to every receiver (message annotations
 * with {@code x-opt-sequence-number}, {@code x-opt-offset} and {@code x-opt-enqueued-time} already in them, no header
 * section, so a delivery-annotations section can go in front without re-encoding).
 */
record StoredEvent(long sequenceNumber, long offset, long enqueuedTimeMillis, byte[] encoded) {

    String offsetString() {
        return Long.toString(offset);
    }
}
