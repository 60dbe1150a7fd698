package io.iotconnect.datalake.commit;

import io.iotconnect.datalake.storage.LakeStore;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Commits a file by renaming it from its temporary to its final path, refusing to overwrite: the rename is atomic in
 * a hierarchical namespace, so a reader sees the whole file or nothing.
 *
 * <p>A final path that exists already is an earlier attempt of this commit (final names are deterministic) only when
 * the file there has the same identity, records included: then the leftover temporary copy, if any, is deleted. A
 * file of that name with other records (a replay after the index was lost, another connector's file) fails the commit
 * with {@link LakeMismatchException}; taking it as committed would lose or double records.
 */
public final class RenameCommitter implements FileCommitter {

    private static final Logger log = LoggerFactory.getLogger(RenameCommitter.class);

    private final LakeStore store;

    public RenameCommitter(LakeStore store) {
        this.store = store;
    }

    @Override
    public void commit(List<PendingFile> files) {
        for (PendingFile file : files) {
            switch (store.renameIfAbsent(file.tempPath(), file.finalPath())) {
                case RENAMED -> {
                }
                case TARGET_EXISTS -> {
                    requireSame(file, store.metadata(file.finalPath()).orElse(Map.of()));
                    log.debug("{} was committed before; deleting the copy at {}", file.finalPath(), file.tempPath());
                    store.deleteIfExists(file.tempPath());
                }
                case SOURCE_MISSING -> {
                    Optional<Map<String, String>> committed = store.metadata(file.finalPath());
                    if (committed.isEmpty()) {
                        throw new ConnectException("cannot commit " + file.finalPath() + ": neither it nor its data at "
                                + file.tempPath() + " exists (deleted by hand?)");
                    }
                    requireSame(file, committed.get());
                }
            }
        }
    }

    /** Fails unless the file at the final path is this one: same connector, topic, partition and records. */
    private static void requireSame(PendingFile file, Map<String, String> metadata) {
        if (file.identity() == null) {
            // Named by an index written before files carried an identity: the name is all there is to go by.
            return;
        }
        List<String> differences = FileIdentity.fromMetadata(metadata)
                .map(inLake -> file.identity().differencesFrom(inLake, "in this commit"))
                .orElse(List.of("the file in the lake carries no identity (written by an older version of the connector "
                        + "or by another program)"));
        if (!differences.isEmpty()) {
            throw new LakeMismatchException("cannot commit " + file.finalPath() + ": a file of that name is in the lake "
                    + "already, and it holds other records (" + String.join("; ", differences) + "). A name is no proof "
                    + "of what a file holds, so it is not taken as committed: records would be lost or written twice. "
                    + "Nothing was overwritten; this commit's copy stays at " + file.tempPath() + ". Was the partition's "
                    + "index deleted, or does another connector write the same topic into this directory?");
        }
    }
}
