package io.iotconnect.anomaly;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Headers;

/** The part of a record a transform works on, the key or the value, and how to rebuild the record around it. */
enum RecordOperand {
    KEY {
        @Override
        Schema schema(ConnectRecord<?> record) {
            return record.keySchema();
        }

        @Override
        Object value(ConnectRecord<?> record) {
            return record.key();
        }

        @Override
        <R extends ConnectRecord<R>> R with(R record, Schema schema, Object value, Headers headers) {
            return record.newRecord(record.topic(), record.kafkaPartition(), schema, value, record.valueSchema(), record.value(),
                    record.timestamp(), headers);
        }
    },
    VALUE {
        @Override
        Schema schema(ConnectRecord<?> record) {
            return record.valueSchema();
        }

        @Override
        Object value(ConnectRecord<?> record) {
            return record.value();
        }

        @Override
        <R extends ConnectRecord<R>> R with(R record, Schema schema, Object value, Headers headers) {
            return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(), schema, value,
                    record.timestamp(), headers);
        }
    };

    abstract Schema schema(ConnectRecord<?> record);

    abstract Object value(ConnectRecord<?> record);

    /** A copy of the record with this operand and the headers replaced. */
    abstract <R extends ConnectRecord<R>> R with(R record, Schema schema, Object value, Headers headers);
}
