package io.iotconnect.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The owner-level ({@code com.microsoft:epoch}) rules of the service, per hub, consumer group and partition: a receiver
 * with an owner level at least as high as every current one takes the partition, and every current receiver (with a
 * lower or equal level, or with none) is detached with {@code amqp:link:stolen}; a receiver with a lower level than a
 * current one, or without one while an owner exists, is refused. Receivers without owner levels coexist. Reactor
 * thread only.
 */
final class ReceiverOwnership {

    /** What to do with a new receiver: refuse it with {@code refusal}, or accept it and detach {@code stolen}. */
    record Decision(String refusal, List<PartitionReceiverLink> stolen) {
    }

    private final Map<String, List<PartitionReceiverLink>> receivers = new HashMap<>();

    Decision attach(PartitionReceiverLink candidate) {
        List<PartitionReceiverLink> current = receivers.computeIfAbsent(key(candidate), key -> new ArrayList<>());
        Long highest = null;
        PartitionReceiverLink owner = null;
        for (PartitionReceiverLink receiver : current) {
            if (receiver.ownerLevel() != null && (highest == null || receiver.ownerLevel() > highest)) {
                highest = receiver.ownerLevel();
                owner = receiver;
            }
        }
        Long level = candidate.ownerLevel();
        if (owner != null && (level == null || level < highest)) {
            return new Decision(refusal(candidate, owner), List.of());
        }
        List<PartitionReceiverLink> stolen = level == null ? List.of() : List.copyOf(current);
        current.removeAll(stolen);
        current.add(candidate);
        return new Decision(null, stolen);
    }

    void detached(PartitionReceiverLink receiver) {
        List<PartitionReceiverLink> current = receivers.get(key(receiver));
        if (current != null) {
            current.remove(receiver);
        }
    }

    /** The error description of a receiver that lost its partition, worded like the service's. */
    static String stolenDescription(PartitionReceiverLink thief, PartitionReceiverLink victim) {
        return "New receiver '" + thief.name() + "' with higher epoch of '" + thief.ownerLevel()
                + "' is created hence current receiver '" + victim.name() + "' with epoch '"
                + (victim.ownerLevel() == null ? "(none)" : victim.ownerLevel())
                + "' is getting disconnected. If you are recreating the receiver, make sure a higher epoch is used. "
                + tracking(victim);
    }

    private static String refusal(PartitionReceiverLink candidate, PartitionReceiverLink owner) {
        String what = candidate.ownerLevel() == null ? "Receiver '" + candidate.name() + "' without epoch"
                : "Receiver '" + candidate.name() + "' with epoch '" + candidate.ownerLevel() + "'";
        return "Receiver '" + owner.name() + "' with higher epoch of '" + owner.ownerLevel() + "' already exists. " + what
                + " cannot be created. Make sure you are creating receiver with increasing epoch value to ensure "
                + "connectivity, or ensure all old epoch receivers are closed or disconnected. " + tracking(candidate);
    }

    private static String tracking(PartitionReceiverLink receiver) {
        PartitionLog log = receiver.log();
        return "TrackingId:" + UUID.randomUUID() + ", SystemTracker:" + log.hub() + ":eventhub:" + log.hub() + "~"
                + log.partitionId() + "|" + receiver.consumerGroup() + ", EntityPath:" + log.hub() + "/ConsumerGroups/"
                + receiver.consumerGroup() + "/Partitions/" + log.partitionId() + ", consumer group '"
                + receiver.consumerGroup() + "', Timestamp:" + Instant.now();
    }

    private static String key(PartitionReceiverLink receiver) {
        return receiver.log().hub() + "\u0000" + receiver.consumerGroup().toLowerCase(Locale.ROOT) + "\u0000"
                + receiver.log().partitionId();
    }
}
