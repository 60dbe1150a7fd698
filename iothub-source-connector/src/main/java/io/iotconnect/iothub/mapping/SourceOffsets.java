package io.iotconnect.iothub.mapping;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The connector's Connect offsets. Source partition {@code {"eventhub": <name>, "partition": <id>}}, source offset
 * {@code {"sequenceNumber": <long>}}: the sequence number of the last event the record carries, so a task resumes
 * with the event after it. The consumer group is not part of the partition: a sequence number is a property of the
 * event in the hub, whoever reads it, so changing the group keeps each partition's position.
 *
 * <p>The records write the partition's keys in {@link #KEY_ORDER}, the order Connect's internal JsonConverter reads
 * them back in (a {@code HashMap}'s: "partition", "eventhub"). Connect finds an offset by the exact JSON text of its
 * partition, and it turns every partition it handles itself into that order first: those it reads back for
 * {@code GET}/{@code DELETE /connectors/<name>/offsets}, and those of a {@code PATCH}, which it normalizes by a round
 * trip through the converter. With {@code Map.of}, whose order differs from JVM to JVM, a task restarted on another
 * worker missed its offsets and read again from the start position, and {@code GET /offsets} showed null offsets.
 */
public final class SourceOffsets {

    public static final String EVENTHUB_KEY = "eventhub";
    public static final String PARTITION_KEY = "partition";
    public static final String SEQUENCE_NUMBER_KEY = "sequenceNumber";

    /** The order of the partition's keys: the order Connect's JsonConverter reads them back in. */
    public static final List<String> KEY_ORDER = readBackOrder();

    private SourceOffsets() {
    }

    public static Map<String, String> partition(String eventHub, String partitionId) {
        Map<String, String> values = Map.of(EVENTHUB_KEY, eventHub, PARTITION_KEY, partitionId);
        Map<String, String> partition = new LinkedHashMap<>();
        KEY_ORDER.forEach(key -> partition.put(key, values.get(key)));
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
            throw new ConnectException("a source partition is required, like " + example());
        }
        if (!partition.keySet().equals(Set.of(EVENTHUB_KEY, PARTITION_KEY))) {
            throw new ConnectException("source partition " + partition + " must have exactly the keys \"" + EVENTHUB_KEY
                    + "\" and \"" + PARTITION_KEY + "\", like " + example());
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

    /** The key order of a partition after a round trip through the JsonConverter Connect stores offsets with. */
    private static List<String> readBackOrder() {
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false"), true);
            Map<String, String> written = new LinkedHashMap<>();
            written.put(EVENTHUB_KEY, "");
            written.put(PARTITION_KEY, "");
            Object readBack = converter.toConnectData("", converter.fromConnectData("", null, written)).value();
            return ((Map<?, ?>) readBack).keySet().stream().map(Object::toString).toList();
        }
    }

    /** A partition in JSON, in {@link #KEY_ORDER}. */
    static String example() {
        return "{" + KEY_ORDER.stream().map(key -> "\"" + key + "\": " + (key.equals(PARTITION_KEY) ? "\"0\"" : "\"<hub>\""))
                .collect(Collectors.joining(", ")) + "}";
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
