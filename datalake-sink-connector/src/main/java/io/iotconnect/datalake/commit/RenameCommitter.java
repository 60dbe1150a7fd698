package io.iotconnect.datalake.commit;

import io.iotconnect.datalake.storage.LakeStore;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Commits a file by renaming it from its temporary to its final path, refusing to overwrite: the rename is atomic in
 * a hierarchical namespace, so a reader sees the whole file or nothing. A final path that exists already means an
 * earlier attempt renamed it (final names are deterministic), and the leftover temporary copy, if any, is deleted.
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
                    log.debug("{} was committed before; deleting the copy at {}", file.finalPath(), file.tempPath());
                    store.deleteIfExists(file.tempPath());
                }
                case SOURCE_MISSING -> {
                    if (!store.exists(file.finalPath())) {
                        throw new ConnectException("cannot commit " + file.finalPath() + ": neither it nor its data at "
                                + file.tempPath() + " exists (deleted by hand?)");
                    }
                }
            }
        }
    }
}
