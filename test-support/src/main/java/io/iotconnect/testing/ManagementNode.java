package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.message.Message;

import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The two request/response nodes every Event Hubs client talks to: {@code $cbs}, whose put-token requests are all
 * granted (the endpoint does not check tokens, it records them), and {@code $management}, which answers READ of a hub and of a
 * partition with the map the SDK expects, with the exact value types it casts to. Replies carry the request's
 * message-id as correlation-id and {@code status-code}/{@code status-description} application properties.
 */
final class ManagementNode {

    static final String CBS = "$cbs";
    static final String MANAGEMENT = "$management";

    private final Function<String, EventHubEntity> hubs;
    private final List<EventHubsEndpoint.PutToken> tokens = new CopyOnWriteArrayList<>();

    ManagementNode(Function<String, EventHubEntity> hubs) {
        this.hubs = hubs;
    }

    /** Every token put on {@code $cbs}, in order. */
    List<EventHubsEndpoint.PutToken> tokens() {
        return List.copyOf(tokens);
    }

    /** The reply to a request that arrived on {@code node}. */
    Message answer(String node, Message request) {
        Map<String, Object> properties = request.getApplicationProperties() == null ? Map.of()
                : request.getApplicationProperties().getValue();
        Object operation = properties.get("operation");
        if (CBS.equals(node)) {
            if (!"put-token".equals(operation)) {
                return reply(request, 400, "unsupported operation " + operation, null);
            }
            Object token = request.getBody() instanceof AmqpValue value ? value.getValue() : null;
            tokens.add(new EventHubsEndpoint.PutToken(String.valueOf(properties.get("type")),
                    String.valueOf(properties.get("name")), String.valueOf(token)));
            return reply(request, 200, "OK", null);
        }
        if (!"READ".equals(operation)) {
            return reply(request, 400, "unsupported operation " + operation, null);
        }
        String type = String.valueOf(properties.get("type"));
        String name = String.valueOf(properties.get("name"));
        EventHubEntity hub = hubs.apply(name);
        if (hub == null) {
            return reply(request, 404, "The messaging entity '" + name + "' could not be found.", null);
        }
        if ("com.microsoft:eventhub".equals(type)) {
            Map<String, Object> body = new HashMap<>();
            body.put("name", hub.name());
            body.put("created_at", new Date(hub.createdAtMillis()));
            body.put("partition_ids", hub.partitionIds().toArray(new String[0]));
            return reply(request, 200, "OK", body);
        }
        if ("com.microsoft:partition".equals(type)) {
            String partitionId = String.valueOf(properties.get("partition"));
            PartitionLog partition = hub.partition(partitionId);
            if (partition == null) {
                return reply(request, 404, "Partition '" + partitionId + "' of '" + name + "' could not be found.", null);
            }
            PartitionLog.Summary summary = partition.summary();
            Map<String, Object> body = new HashMap<>();
            body.put("name", hub.name());
            body.put("partition", partitionId);
            body.put("begin_sequence_number", summary.beginSequenceNumber());
            body.put("last_enqueued_sequence_number", summary.lastSequenceNumber());
            body.put("last_enqueued_offset", summary.lastOffset());
            body.put("last_enqueued_time_utc", new Date(summary.lastEnqueuedTimeMillis()));
            body.put("runtime_info_retrieval_time_utc", new Date());
            body.put("is_partition_empty", summary.empty());
            return reply(request, 200, "OK", body);
        }
        return reply(request, 400, "unsupported entity type " + type, null);
    }

    private static Message reply(Message request, int status, String description, Map<String, Object> body) {
        Message reply = Message.Factory.create();
        reply.setCorrelationId(request.getMessageId());
        reply.setApplicationProperties(new ApplicationProperties(Map.of("status-code", status, "status-description", description)));
        if (body != null) {
            reply.setBody(new AmqpValue(body));
        }
        return reply;
    }
}
