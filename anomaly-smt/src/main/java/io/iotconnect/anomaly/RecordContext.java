package io.iotconnect.anomaly;

import io.iotconnect.anomaly.reading.Values;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/** Where a record is, for error messages: topic, partition, offset on sinks, and the key. */
final class RecordContext {

    private static final String ERROR_REASON_SUFFIX = ".error.reason";

    private RecordContext() {
    }

    /**
     * Whether a source already routed this record to its error topic: the iot-connect sources mark those with a
     * {@code <source>.error.reason} header (like {@code mqtt.error.reason}) and a raw payload. Connect runs the
     * transforms on them too; they pass unchanged, so the error topic keeps what the device sent.
     */
    static boolean isSourceErrorRecord(ConnectRecord<?> record) {
        for (Header header : record.headers()) {
            if (header.key().endsWith(ERROR_REASON_SUFFIX)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The validation error for a value that is not a parsed reading: a bare number, string or array a device sent,
     * or bytes no converter parsed. It names what the value is, so the error topic says what to fix.
     */
    static String notAnObject(Object operand) {
        String what;
        if (operand instanceof java.util.List<?> list) {
            what = "an array of " + list.size();
        } else if (operand instanceof byte[] || operand instanceof java.nio.ByteBuffer) {
            what = "bytes (parse the payload first: the MQTT source's mqtt.value.format=json, or a JsonConverter)";
        } else if (operand instanceof String text) {
            what = "a string of " + text.length() + " characters";
        } else {
            what = operand.getClass().getSimpleName() + " " + Values.show(operand);
        }
        return "not an object: the value is " + what;
    }

    static String describe(ConnectRecord<?> record) {
        StringBuilder text = new StringBuilder("topic '").append(record.topic()).append('\'');
        if (record.kafkaPartition() != null) {
            text.append(" partition ").append(record.kafkaPartition());
        }
        if (record instanceof SinkRecord sink) {
            text.append(" offset ").append(sink.kafkaOffset());
        }
        if (record.key() != null) {
            text.append(" key ").append(Values.show(record.key()));
        }
        return text.toString();
    }
}
