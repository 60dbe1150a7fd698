package io.iotconnect.datalake.commit;

import java.util.List;

/**
 * Makes finished files visible to readers: the last step of a commit, after the partition's index records the files
 * as pending. It must be idempotent, because recovery calls it again with the same pending files after a crash at any
 * point of a previous call. A table format (a Delta Lake log entry per commit, say) is another implementation of this
 * step; writers and partitioners do not change.
 */
public interface FileCommitter {

    /**
     * Commits the files; each one already committed by an earlier call counts as done.
     *
     * @throws LakeMismatchException when a file of the same name holds other records: it was not this commit's
     */
    void commit(List<PendingFile> files);

    /**
     * A file the index names as pending: its temporary and final path, and what it holds (null in indexes written
     * before files carried an identity).
     */
    record PendingFile(String tempPath, String finalPath, FileIdentity identity) {
    }
}
