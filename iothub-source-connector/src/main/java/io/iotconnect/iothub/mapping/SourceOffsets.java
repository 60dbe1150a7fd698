package io.iotconnect.iothub.mapping;

import org.apache.kafka.connect.errors.ConnectException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The connector's Connect offsets. Source partition {@code {"eventhub": <name>, "partition": <id>}}, source offset
 * {@code {"sequenceNumber": <long>}}: the sequence number of the last event the record carries, so a task resumes
 * with the event after it. The consumer group is not part of the partition: a sequence number is a property of the
 * event in the hub, whoever reads it, so changing the group keeps each partition's position.
 *
 * <p>The partition map has a fixed key order: Connect finds a committed offset by the converter's serialized bytes
 * of the partition map, and {@code Map.of} iterates in an order that differs from JVM to JVM, so a worker would
 * miss the offsets another worker wrote (seen: a task restarted on a new worker read its partitions again from the
 * start position).
 */
public final class SourceOffsets {

    public static final String EVENTHUB_KEY = "eventhub";
    public static final String PARTITION_KEY = "partition";
    public static final String SEQUENCE_NUMBER_KEY = "sequenceNumber";

    private SourceOffsets() {
    }

    public static Map<String, String> partition(String eventHub, String partitionId) {
        Map<String, String> partition = new LinkedHashMap<>();
        partition.put(EVENTHUB_KEY, eventHub);
        partition.put(PARTITION_KEY, partitionId);
        return Collections.unmodifiableMap(partition);
    }

    public static Map<String, Long> offset(long sequenceNumber) {
        return Map.of(SEQUENCE_NUMBER_KEY, sequenceNumber);
    }

    /**
     * The sequence number of a committed offset, or null for none. Offsets read back through a JSON converter may
     * hold an Integer for small numbers.
     *
     * @throws ConnectException when the offset is not one this connector writes
     */
    public static Long sequenceNumber(Map<String, ?> offset) {
        if (offset == null) {
            return null;
        }
        validateOffset(offset);
        return ((Number) offset.get(SEQUENCE_NUMBER_KEY)).longValue();
    }

    /**
     * Checks an offset given to {@code alterOffsets} (KIP-875): the partition must have exactly the keys
     * {@value #EVENTHUB_KEY} and {@value #PARTITION_KEY} with string values, the offset exactly
     * {@value #SEQUENCE_NUMBER_KEY} with a whole number from 0. A null offset (a reset) is accepted.
     *
     * @throws ConnectException saying what is wrong and what to write
     */
    public static void validate(Map<String, ?> partition, Map<String, ?> offset) {
        if (partition == null) {
            throw new ConnectException("a source partition is required, like {\"" + EVENTHUB_KEY + "\": \"<hub>\", \""
                    + PARTITION_KEY + "\": \"0\"}");
        }
        if (!partition.keySet().equals(Set.of(EVENTHUB_KEY, PARTITION_KEY))) {
            throw new ConnectException("source partition " + partition + " must have exactly the keys \"" + EVENTHUB_KEY
                    + "\" and \"" + PARTITION_KEY + "\", like {\"" + EVENTHUB_KEY + "\": \"<hub>\", \"" + PARTITION_KEY + "\": \"0\"}");
        }
        for (String key : Set.of(EVENTHUB_KEY, PARTITION_KEY)) {
            if (!(partition.get(key) instanceof String text) || text.isBlank()) {
                throw new ConnectException("\"" + key + "\" of source partition " + partition + " must be a non-empty string");
            }
        }
        if (offset != null) {
            validateOffset(offset);
        }
    }

    private static void validateOffset(Map<String, ?> offset) {
        if (!offset.keySet().equals(Set.of(SEQUENCE_NUMBER_KEY))) {
            throw new ConnectException("source offset " + offset + " must have exactly the key \"" + SEQUENCE_NUMBER_KEY
                    + "\", like {\"" + SEQUENCE_NUMBER_KEY + "\": 41}");
        }
        Object value = offset.get(SEQUENCE_NUMBER_KEY);
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)
                || ((Number) value).longValue() < 0) {
            throw new ConnectException("\"" + SEQUENCE_NUMBER_KEY + "\" of source offset " + offset + " must be a whole number "
                    + "from 0 (the sequence number of the last event already read; reading resumes after it)");
        }
    }
}
