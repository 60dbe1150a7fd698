package io.iotconnect.datalake.writer;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotconnect.datalake.commit.LakeMismatchException;
import io.iotconnect.datalake.commit.PartitionIdentity;
import io.iotconnect.datalake.commit.PartitionIndex;
import io.iotconnect.datalake.config.DataLakeSinkConfig;
import io.iotconnect.datalake.storage.ConcurrentUpdateException;
import io.iotconnect.datalake.storage.LakeStore;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;

/**
 * Whether a partition's state in the lake is this connector's to continue. Indexes are kept per connector, so a second
 * connector on the same directory, or a connector renamed, finds no index of its own, and an index deleted by hand
 * looks like a partition never written: each would write the partition again from its consumer group's offset, every
 * record twice or some skipped, silently. So the first index of a partition is followed by a claim, one small file per
 * partition that every connector on the directory reads ({@code _owners/<topic>/<partition>.json}), and recovery
 * refuses a partition claimed by another connector, claimed by this one but without its index, or whose topic is not
 * the one the lake counted (a topic deleted and created again), naming the path and what differs.
 */
final class PartitionOwnership {

    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final LakeStore store;
    private final LakeLayout layout;

    PartitionOwnership(LakeStore store, LakeLayout layout) {
        this.store = store;
        this.layout = layout;
    }

    /** The partition's claim, if one was made. */
    Optional<PartitionIdentity> claimOf(PartitionIdentity partition) {
        String path = layout.ownerFile(partition.topic(), partition.partition());
        return store.read(path).map(stored -> {
            try {
                return JSON.readValue(stored.content(), PartitionIdentity.class);
            } catch (IOException | RuntimeException e) {
                throw new ConnectException("the claim " + path + " is not readable (" + e.getMessage() + "); it names the "
                        + "connector that writes " + partition.topic() + "-" + partition.partition() + ": restore it", e);
            }
        });
    }

    /**
     * Refuses to recover a partition claimed by another connector, claimed by this one while its index is missing,
     * or claimed for a topic of the same name and another id.
     */
    void checkClaim(PartitionIdentity ours, Optional<PartitionIdentity> claim, boolean indexExists) {
        if (claim.isEmpty()) {
            return;
        }
        PartitionIdentity claimed = claim.get();
        String where = layout.ownerFile(ours.topic(), ours.partition());
        String partition = ours.topic() + "-" + ours.partition();
        if (!claimed.connector().equals(ours.connector())) {
            throw new LakeMismatchException(partition + " in " + layout.topicsDir() + " is written by connector '"
                    + claimed.connector() + "' (" + where + "), not by '" + ours.connector() + "': two connectors writing "
                    + "one topic into one " + DataLakeSinkConfig.TOPICS_DIR_CONFIG + " would put each record in twice. Give '"
                    + ours.connector() + "' a " + DataLakeSinkConfig.TOPICS_DIR_CONFIG + " of its own. If '"
                    + claimed.connector() + "' was renamed to '" + ours.connector() + "' and no longer runs, move "
                    + layout.indexDirOf(claimed.connector()) + " to " + layout.indexRoot() + " and delete "
                    + layout.ownerDir(ours.topic()) + ": '" + ours.connector() + "' then goes on where '"
                    + claimed.connector() + "' stopped");
        }
        if (!indexExists) {
            throw new LakeMismatchException("the index of " + partition + ", " + layout.indexFile(ours.topic(), ours.partition())
                    + ", is missing, but connector '" + ours.connector() + "' has written this partition (" + where + "): "
                    + "it was deleted or moved. It is the record of which of the partition's records are in the lake, and "
                    + "the partition is not written without it (records would be written twice or skipped): restore it "
                    + "(the file system's soft delete or a snapshot keeps earlier versions)");
        }
        if (ours.otherTopicThan(claimed)) {
            throw recreated(ours, claimed.topicId(), where);
        }
    }

    /**
     * Refuses an index of another partition, or of a topic of the same name and another id. An index of another
     * connector at this connector's path was moved there by hand, as a rename does: it is taken over.
     */
    void checkIndex(PartitionIdentity ours, PartitionIndex index, String path) {
        PartitionIdentity owner = index.identity();
        if (owner == null) {
            return;
        }
        if (!owner.topic().equals(ours.topic()) || owner.partition() != ours.partition()) {
            throw new LakeMismatchException("the index " + path + " is the index of " + owner.topic() + "-"
                    + owner.partition() + ", not of " + ours.topic() + "-" + ours.partition() + " (copied by hand?): "
                    + "restore the partition's own index");
        }
        if (ours.otherTopicThan(owner)) {
            throw recreated(ours, owner.topicId(), path + ", which counts " + index.committedOffset() + " records as committed");
        }
        if (!owner.connector().equals(ours.connector())) {
            log.info("{}-{}: taking over the index of connector '{}' at {}", ours.topic(), ours.partition(), owner.connector(), path);
        }
    }

    private LakeMismatchException recreated(PartitionIdentity ours, String lakeTopicId, String where) {
        return new LakeMismatchException("topic '" + ours.topic() + "' has id " + ours.topicId() + ", but " + ours.topic()
                + "-" + ours.partition() + " in the lake was written from a topic of that name with id " + lakeTopicId + " ("
                + where + "): the topic was deleted and created again, and its offsets started over. Write it into another "
                + DataLakeSinkConfig.TOPICS_DIR_CONFIG + ", or first move the old topic's files and its state ("
                + layout.indexDir(ours.topic()) + ", " + layout.ownerDir(ours.topic()) + ") out of this one");
    }

    /** Claims the partition for this connector unless it is claimed; a claim another made first is checked instead. */
    void claim(PartitionIdentity ours) {
        String path = layout.ownerFile(ours.topic(), ours.partition());
        byte[] content;
        try {
            content = JSON.writeValueAsBytes(ours);
        } catch (IOException e) {
            throw new ConnectException("cannot write the claim " + path, e);
        }
        try {
            // Written beside and renamed into place: a claim is never seen half-written.
            store.replace(path, content, null);
        } catch (ConcurrentUpdateException e) {
            checkClaim(ours, claimOf(ours), true);
        }
    }
}
