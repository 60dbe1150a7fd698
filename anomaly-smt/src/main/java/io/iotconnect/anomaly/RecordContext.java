package io.iotconnect.anomaly;

import io.iotconnect.anomaly.reading.Values;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.sink.SinkRecord;

/** Where a record is, for error messages: topic, partition, offset on sinks, and the key. */
final class RecordContext {

    private RecordContext() {
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
