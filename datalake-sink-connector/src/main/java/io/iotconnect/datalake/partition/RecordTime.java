package io.iotconnect.datalake.partition;

import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;

/**
 * The time a record belongs to, for time partitions, record-time rotation and completeness markers: the record's
 * Kafka timestamp, or a field of its value ({@code datalake.partition.time.field}) holding epoch milliseconds, a
 * Connect Timestamp or an ISO-8601 string. A tombstone (null value) has no field to read, so its Kafka timestamp is
 * its time either way.
 */
public final class RecordTime {

    private final FieldPath field;
    private final String fieldKey;

    private RecordTime(FieldPath field, String fieldKey) {
        this.field = field;
        this.fieldKey = fieldKey;
    }

    /** The record's Kafka timestamp; {@code fieldKey} is the config key that names a time field instead, for messages. */
    public static RecordTime ofTimestamp(String fieldKey) {
        return new RecordTime(null, fieldKey);
    }

    public static RecordTime ofField(String path, String fieldKey) {
        return new RecordTime(FieldPath.parse(path), fieldKey);
    }

    /**
     * The record's time in epoch milliseconds.
     *
     * @throws DataException when the record has none
     */
    public long of(SinkRecord record) {
        if (field == null) {
            Long timestamp = record.timestamp();
            if (timestamp == null || timestamp < 0) {
                throw new DataException("the record has no timestamp to partition by; set " + fieldKey + " to the value field "
                        + "holding the time");
            }
            return timestamp;
        }
        if (record.value() == null) {
            Long timestamp = record.timestamp();
            if (timestamp == null || timestamp < 0) {
                throw new DataException("the record is a tombstone (no value, so no time field '" + field + "') and has "
                        + "no timestamp to partition by");
            }
            return timestamp;
        }
        Object value = field.get(record.value());
        if (value instanceof Number number) {
            return number.longValue();
        }
        if (value instanceof Date date) {
            return date.getTime();
        }
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return Instant.parse(text).toEpochMilli();
                } catch (DateTimeParseException again) {
                    throw new DataException("time field '" + field + "' holds '" + abbreviate(text) + "', not an ISO-8601 time");
                }
            }
        }
        if (value == null) {
            throw new DataException("the record has no time field '" + field + "'");
        }
        throw new DataException("time field '" + field + "' is a " + value.getClass().getSimpleName()
                + ", not epoch milliseconds, a Timestamp or an ISO-8601 string");
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
