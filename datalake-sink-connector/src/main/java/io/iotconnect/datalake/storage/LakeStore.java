package io.iotconnect.datalake.storage;

import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.FluxUtil;
import com.azure.storage.file.datalake.DataLakeFileClient;
import com.azure.storage.file.datalake.DataLakeFileSystemAsyncClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeFileSystemClientBuilder;
import com.azure.storage.file.datalake.models.DataLakeRequestConditions;
import com.azure.storage.file.datalake.models.DataLakeStorageException;
import com.azure.storage.file.datalake.models.ListPathsOptions;
import com.azure.storage.file.datalake.models.PathItem;
import com.azure.storage.file.datalake.options.DataLakeFileFlushOptions;
import com.azure.storage.file.datalake.options.DataLakePathCreateOptions;
import com.azure.storage.file.datalake.options.DataLakePathDeleteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The file system operations the sink needs, over the ADLS Gen2 SDK: files written by appends and made visible by a
 * flush, renames that refuse to overwrite (how a file is committed exactly once), small state files replaced
 * atomically and conditionally (how a task that lost its partition is fenced off), user metadata that tells what a
 * file holds, listings of one directory.
 * Requests are retried by the SDK's retry policy; what is left after it is thrown as {@link DataLakeStorageException}.
 */
public final class LakeStore {

    private static final Logger log = LoggerFactory.getLogger(LakeStore.class);
    private static final String PARENT_MISSING = "RenameDestinationParentPathNotFound";
    private static final String META_PREFIX = "x-ms-meta-";

    private final DataLakeFileSystemClient fileSystem;
    /**
     * The same file system over the same pipeline (sign-in, retries), for the calls whose error answers are expected:
     * the sync client's read and get properties log every error answer at ERROR (with its stack trace at DEBUG)
     * before they throw it, a 404 for a file that is not there yet included, and no option or context turns that
     * off; the async client's calls return the error without logging it.
     */
    private final DataLakeFileSystemAsyncClient quietFileSystem;

    public LakeStore(DataLakeFileSystemClient fileSystem) {
        this.fileSystem = fileSystem;
        this.quietFileSystem = new DataLakeFileSystemClientBuilder()
                .pipeline(fileSystem.getHttpPipeline())
                .endpoint(fileSystem.getFileSystemUrl())
                .serviceVersion(fileSystem.getServiceVersion())
                .buildAsyncClient();
    }

    /** A small file's content and its ETag, the version a conditional replace compares. */
    public record Versioned(byte[] content, String etag) {
    }

    /** Creates (or truncates) a file and returns a stream that appends to it; the data is visible after close(). */
    public LakeOutputStream create(String path, int bufferBytes) {
        DataLakeFileClient file = fileSystem.getFileClient(path);
        file.createWithResponse(new DataLakePathCreateOptions(), null, Context.NONE);
        return new LakeOutputStream(file, bufferBytes);
    }

    /** What a rename that refuses to overwrite did. */
    public enum Rename { RENAMED, TARGET_EXISTS, SOURCE_MISSING }

    /** Renames {@code source} to {@code target} unless {@code target} exists (the source is then left as it is). */
    public Rename renameIfAbsent(String source, String target) {
        try {
            rename(source, target, new DataLakeRequestConditions().setIfNoneMatch("*"));
            return Rename.RENAMED;
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 409 && "PathAlreadyExists".equalsIgnoreCase(e.getErrorCode())) {
                return Rename.TARGET_EXISTS;
            }
            if (e.getStatusCode() == 404) {
                return Rename.SOURCE_MISSING;
            }
            throw e;
        }
    }

    /** A rename; the target's directory is created when the service says it is missing (a rename does not create it). */
    /** @return the ETag of the renamed file, as the service answered */
    private String rename(String source, String target, DataLakeRequestConditions targetConditions) {
        Response<DataLakeFileClient> response;
        try {
            // A fresh client per call: 12.25's rename() returns a client whose path is encoded twice.
            response = fileSystem.getFileClient(source).renameWithResponse(null, target, null, targetConditions, null, Context.NONE);
        } catch (DataLakeStorageException e) {
            int slash = target.lastIndexOf('/');
            if (e.getStatusCode() != 404 || !PARENT_MISSING.equalsIgnoreCase(e.getErrorCode()) || slash <= 0) {
                throw e;
            }
            fileSystem.getDirectoryClient(target.substring(0, slash)).createIfNotExists();
            response = fileSystem.getFileClient(source).renameWithResponse(null, target, null, targetConditions, null, Context.NONE);
        }
        return response.getHeaders().getValue(HttpHeaderName.ETAG);
    }

    /** The content and ETag of a small file, or empty when it does not exist. */
    public Optional<Versioned> read(String path) {
        try {
            return Optional.of(quietFileSystem.getFileAsyncClient(path).readWithResponse(null, null, null, false)
                    .flatMap(response -> FluxUtil.collectBytesInByteBufferStream(response.getValue())
                            .map(content -> new Versioned(content, response.getDeserializedHeaders().getETag())))
                    .block());
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 404) {
                log.debug("{} is not in the lake ({})", path, e.getErrorCode());
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Replaces {@code path} with {@code content} atomically (written beside it, then renamed over it), provided the
     * file is still at version {@code expectedEtag}, or does not exist when that is null.
     *
     * @return the new ETag
     * @throws ConcurrentUpdateException when another writer changed or created the file first
     */
    public String replace(String path, byte[] content, String expectedEtag) {
        String staging = path + ".tmp-" + UUID.randomUUID();
        DataLakeFileClient file = fileSystem.getFileClient(staging);
        file.createWithResponse(new DataLakePathCreateOptions(), null, Context.NONE);
        if (content.length > 0) {
            file.append(BinaryData.fromBytes(content), 0);
        }
        file.flushWithResponse(content.length, new DataLakeFileFlushOptions().setClose(true), null, Context.NONE);
        DataLakeRequestConditions condition = expectedEtag == null
                ? new DataLakeRequestConditions().setIfNoneMatch("*")
                : new DataLakeRequestConditions().setIfMatch(expectedEtag);
        String etag;
        try {
            etag = rename(staging, path, condition);
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 404) {
                // The staging file is gone: a retried rename whose first attempt went through (its answer was lost),
                // unless the file now holds something else.
                Optional<Versioned> now = read(path);
                if (now.isPresent() && java.util.Arrays.equals(now.get().content(), content)) {
                    return now.get().etag();
                }
            }
            deleteIfExists(staging);
            if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                throw new ConcurrentUpdateException(path, e);
            }
            throw e;
        }
        return etag != null ? etag : fileSystem.getFileClient(path).getProperties().getETag();
    }

    /**
     * Writes a small file unless it exists.
     *
     * @return true when this call created it
     */
    public boolean createIfAbsent(String path, byte[] content) {
        DataLakeFileClient file = fileSystem.getFileClient(path);
        try {
            file.createWithResponse(new DataLakePathCreateOptions()
                    .setRequestConditions(new DataLakeRequestConditions().setIfNoneMatch("*")), null, Context.NONE);
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 409) {
                return false;
            }
            throw e;
        }
        if (content.length > 0) {
            file.append(BinaryData.fromBytes(content), 0);
        }
        file.flushWithResponse(content.length, new DataLakeFileFlushOptions().setClose(true), null, Context.NONE);
        return true;
    }

    /**
     * Replaces the user metadata of a file; it stays with the file through a rename. Values travel as HTTP headers,
     * so they are sent percent-encoded (UTF-8) and decoded by {@link #metadata}.
     */
    public void setMetadata(String path, Map<String, String> metadata) {
        Map<String, String> encoded = new TreeMap<>();
        metadata.forEach((name, value) -> encoded.put(name, URLEncoder.encode(value, StandardCharsets.UTF_8)));
        fileSystem.getFileClient(path).setMetadata(encoded);
    }

    /**
     * The user metadata of a file, names in lower case, or empty when the file does not exist.
     *
     * <p>Read from the answer's headers, case-insensitively as HTTP says: the SDK's own collection matches
     * {@code x-ms-meta-} case-sensitively and misses headers a server or proxy capitalized.
     */
    public Optional<Map<String, String>> metadata(String path) {
        HttpHeaders headers;
        try {
            headers = quietFileSystem.getFileAsyncClient(path).getPropertiesWithResponse(null).block().getHeaders();
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() == 404) {
                log.debug("{} is not in the lake ({})", path, e.getErrorCode());
                return Optional.empty();
            }
            throw e;
        }
        Map<String, String> metadata = new TreeMap<>();
        for (HttpHeader header : headers) {
            String name = header.getName();
            if (name.length() > META_PREFIX.length() && name.regionMatches(true, 0, META_PREFIX, 0, META_PREFIX.length())) {
                metadata.put(name.substring(META_PREFIX.length()).toLowerCase(Locale.ROOT), decode(header.getValue()));
            }
        }
        return Optional.of(metadata);
    }

    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // Not written by setMetadata (a stray '%'): compared as it is.
            return value;
        }
    }

    public boolean exists(String path) {
        return Boolean.TRUE.equals(fileSystem.getFileClient(path).exists());
    }

    /** The files (not directories) directly in {@code directory}, as paths from the file system root; empty when it is missing. */
    public List<String> listFiles(String directory) {
        List<String> files = new ArrayList<>();
        try {
            for (PathItem item : fileSystem.listPaths(new ListPathsOptions().setPath(directory).setRecursive(false), null)) {
                if (!item.isDirectory()) {
                    files.add(item.getName());
                }
            }
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
        }
        return files;
    }

    public void deleteIfExists(String path) {
        try {
            fileSystem.getFileClient(path).deleteIfExistsWithResponse(new DataLakePathDeleteOptions(), null, Context.NONE);
        } catch (DataLakeStorageException e) {
            if (e.getStatusCode() != 404) {
                throw e;
            }
        }
    }
}
