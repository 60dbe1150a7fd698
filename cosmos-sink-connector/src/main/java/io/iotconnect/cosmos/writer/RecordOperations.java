package io.iotconnect.cosmos.writer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.config.TombstoneHandling;
import io.iotconnect.cosmos.mapping.DocumentMapper;
import io.iotconnect.cosmos.mapping.IdResolver;
import io.iotconnect.cosmos.mapping.PartitionKeys;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Map;

/**
 * What every write strategy does first with a record: find its container, turn its value into a document with an id
 * and partition key, or see a tombstone for what {@code cosmos.tombstones} says. The {@link WritePlan} then makes the
 * strategy's {@link Pending} from it.
 */
final class RecordOperations {

    /**
     * A record mapped to the document it writes: {@code document} is null for a tombstone, which deletes the document
     * with this id and partition key.
     */
    record Mapped(SinkRecord record, ContainerTarget target, String id, PartitionKeys.Value partitionKey, ObjectNode document) {
        boolean isDelete() {
            return document == null;
        }
    }

    private final Map<String, ContainerTarget> containersByTopic;
    private final DocumentMapper mapper;
    private final IdResolver ids;
    private final TombstoneHandling tombstones;

    RecordOperations(Map<String, ContainerTarget> containersByTopic, DocumentMapper mapper, IdResolver ids, TombstoneHandling tombstones) {
        this.containersByTopic = containersByTopic;
        this.mapper = mapper;
        this.ids = ids;
        this.tombstones = tombstones;
    }

    /**
     * The record's document, or null for a tombstone to ignore.
     *
     * @throws DataException when the record cannot be mapped (it is a failed record)
     */
    Mapped map(SinkRecord record) {
        ContainerTarget target = containersByTopic.get(record.topic());
        if (target == null) {
            throw new ConnectException("topic '" + record.topic() + "' has no container in " + CosmosSinkConfig.CONTAINERS_CONFIG);
        }
        if (record.value() == null) {
            switch (tombstones) {
                case IGNORE:
                    return null;
                case FAIL:
                    throw new DataException("the record is a tombstone (null value) and " + CosmosSinkConfig.TOMBSTONES_CONFIG + "=fail");
                default:
                    String id = IdResolver.idFromKey(record);
                    return new Mapped(record, target, id, target.partitionKeys().valueOf(keyDocument(record, id, target)), null);
            }
        }
        ObjectNode document = mapper.document(record);
        String id = ids.id(record, document);
        document.put("id", id);
        return new Mapped(record, target, id, target.partitionKeys().valueOf(document), document);
    }

    /** The document a tombstone's key stands for: the key's fields, or the key as the id and single partition key value. */
    private static ObjectNode keyDocument(SinkRecord record, String id, ContainerTarget target) {
        Object key = record.key();
        if (key instanceof Struct || key instanceof Map) {
            ObjectNode document = (ObjectNode) DocumentMapper.toJson(key, record.keySchema());
            document.put("id", id);
            return document;
        }
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("id", id);
        if (target.partitionKeys().paths().size() == 1) {
            String path = target.partitionKeys().paths().get(0);
            if (path.indexOf('/', 1) < 0) {
                document.put(path.substring(1), key.toString());
            }
        }
        return document;
    }
}
