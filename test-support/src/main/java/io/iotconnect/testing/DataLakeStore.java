package io.iotconnect.testing;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hierarchical namespace behind {@link DataLakeServer}, kept in a directory: a file system is a top-level
 * directory, a path a file or directory beneath it, so the files can be opened by hand. Appended data waits in memory,
 * invisible to reads and listings, until a flush at the right position writes it to the file.
 *
 * <p>Changes of the namespace (create, rename, delete, metadata) hold one write lock, so a rename is atomic to every
 * other request; data operations (append, flush, read) hold the read lock and a lock striped by path, so writers of
 * different files do not wait for each other and a read never sees half a flush.
 *
 * <p>User metadata of a path lives beside the file systems, in a tree of its own that mirrors theirs
 * ({@code .metadata/<file system>/+<segment>/.../=}, a properties file), so it survives a restart of the server,
 * moves with its path on a rename and goes with it on a delete, as in the service. The '+' before each segment keeps
 * a path's entry ({@code =}) apart from its children's; a name that is not a file system name is never listed as one.
 */
final class DataLakeStore {

    /** What the service tells of a path or file system. The ETag is quoted, as in the {@code ETag} header. */
    record Attributes(boolean directory, long length, String etag, Instant lastModified, Instant created) {
    }

    /** A listed path: its name relative to the file system, '/'-separated. */
    record Entry(String name, Attributes attributes) {
    }

    /** One page of a listing; {@code continuation} is null on the last page. */
    record Listing(List<Entry> entries, String continuation) {
    }

    /** Bytes read from a file, starting at {@code offset}, with the file's attributes when read. */
    record Content(Attributes attributes, byte[] bytes, long offset) {
    }

    private static final Pattern FILE_SYSTEM_NAME = Pattern.compile("[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}");
    private static final StorageError NOT_CONTIGUOUS = StorageError.badRequest("InvalidFlushPosition",
            "The uploaded data is not contiguous or the position query parameter value is not equal to the length of "
                    + "the file after appending the uploaded data.");

    private static final String METADATA_ROOT = ".metadata";
    private static final String METADATA_ENTRY = "=";

    private final Path root;
    private final ReentrantReadWriteLock namespace = new ReentrantReadWriteLock();
    private final Object[] stripes = new Object[64];
    /** Appended, not yet flushed data per path key ("fs/dir/file"): position -> bytes. Guarded by the path's stripe. */
    private final Map<String, TreeMap<Long, byte[]>> uncommitted = new ConcurrentHashMap<>();
    private final AtomicLong lastStamp = new AtomicLong();

    DataLakeStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Object();
        }
    }

    Path root() {
        return root;
    }

    void createFileSystem(String fileSystem) {
        Path directory = fileSystemDirectory(fileSystem);
        locked(namespace.writeLock(), () -> {
            if (Files.isDirectory(directory)) {
                throw new StorageError(409, "FilesystemAlreadyExists", "The specified filesystem already exists.");
            }
            Files.createDirectory(directory);
            touch(directory);
            return null;
        });
    }

    void deleteFileSystem(String fileSystem) {
        Path directory = fileSystemDirectory(fileSystem);
        locked(namespace.writeLock(), () -> {
            if (!Files.isDirectory(directory)) {
                throw StorageError.fileSystemNotFound();
            }
            deleteTree(directory);
            deleteTreeIfExists(metadataDirectory(fileSystem, ""));
            forgetUncommitted(fileSystem);
            return null;
        });
    }

    Attributes fileSystem(String fileSystem) {
        Path directory = fileSystemDirectory(fileSystem);
        return locked(namespace.readLock(), () -> requireFileSystem(directory));
    }

    /** File systems in name order. */
    List<Entry> fileSystems() {
        return locked(namespace.readLock(), () -> {
            List<Entry> entries = new ArrayList<>();
            try (Stream<Path> children = Files.list(root)) {
                for (Path child : children.sorted().toList()) {
                    String name = child.getFileName().toString();
                    Attributes attributes = attributesOrNull(child);
                    if (FILE_SYSTEM_NAME.matcher(name).matches() && attributes != null && attributes.directory()) {
                        entries.add(new Entry(name, attributes));
                    }
                }
            }
            return entries;
        });
    }

    /**
     * Creates a file (empty, replacing an existing one with its uncommitted data and metadata) or a directory, with the
     * parents it needs. {@code metadata} becomes the new file's metadata, or replaces a directory's when not empty.
     */
    Attributes create(String fileSystem, String path, boolean directory, StorageConditions conditions,
                      Map<String, String> metadata) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        return locked(namespace.writeLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            Attributes existing = attributesOrNull(target);
            conditions.checkWrite(existing);
            createParents(fileSystemDirectory, target.getParent());
            if (existing != null && existing.directory() != directory) {
                throw new StorageError(409, "PathConflict", "The path exists as a " + (directory ? "file." : "directory."));
            }
            if (directory) {
                if (existing == null) {
                    Files.createDirectory(target);
                }
            } else {
                Files.write(target, new byte[0]);
            }
            if (!directory || !metadata.isEmpty()) {
                writeMetadata(fileSystem, path, metadata);
            }
            uncommitted.remove(key(fileSystem, path));
            touch(target);
            return attributes(target);
        });
    }

    /** Keeps {@code data} aside at {@code position}; the SDK may send appends of one file in parallel, in any order. */
    void append(String fileSystem, String path, long position, byte[] data) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        String key = key(fileSystem, path);
        locked(namespace.readLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            synchronized (stripe(key)) {
                Attributes file = requireFile(target);
                if (position < file.length()) {
                    throw NOT_CONTIGUOUS;
                }
                uncommitted.computeIfAbsent(key, k -> new TreeMap<>()).put(position, data);
            }
            return null;
        });
    }

    /**
     * Writes the uncommitted data up to {@code position} to the file: it must reach exactly from the file's length to
     * {@code position}, else 400 {@code InvalidFlushPosition}.
     */
    Attributes flush(String fileSystem, String path, long position, boolean retainUncommitted, StorageConditions conditions) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        String key = key(fileSystem, path);
        return locked(namespace.readLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            synchronized (stripe(key)) {
                Attributes file = requireFile(target);
                conditions.checkWrite(file);
                TreeMap<Long, byte[]> chunks = uncommitted.getOrDefault(key, new TreeMap<>());
                List<Long> used = new ArrayList<>();
                long cursor = file.length();
                while (cursor < position) {
                    byte[] chunk = chunks.get(cursor);
                    if (chunk == null || cursor + chunk.length > position) {
                        throw NOT_CONTIGUOUS;
                    }
                    used.add(cursor);
                    cursor += chunk.length;
                }
                if (cursor != position) {
                    throw NOT_CONTIGUOUS;
                }
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                    for (long start : used) {
                        ByteBuffer buffer = ByteBuffer.wrap(chunks.get(start));
                        while (buffer.hasRemaining()) {
                            channel.write(buffer);
                        }
                    }
                }
                if (retainUncommitted) {
                    used.forEach(chunks::remove);
                } else {
                    uncommitted.remove(key);
                }
                touch(target);
                return attributes(target);
            }
        });
    }

    /**
     * Moves a file or directory atomically ({@code rename(2)}), replacing a file at the destination unless the
     * destination conditions forbid it. As in the service, the destination's parent must exist.
     */
    Attributes rename(String sourceFileSystem, String sourcePath, StorageConditions sourceConditions,
                      String fileSystem, String path, StorageConditions conditions) {
        Path sourceDirectory = fileSystemDirectory(sourceFileSystem);
        Path source = resolve(sourceDirectory, sourcePath);
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        return locked(namespace.writeLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            Attributes moving = Files.isDirectory(sourceDirectory) ? attributesOrNull(source) : null;
            if (moving == null) {
                throw new StorageError(404, "SourcePathNotFound", "The source path for a rename operation does not exist.");
            }
            try {
                sourceConditions.checkWrite(moving);
            } catch (StorageError failed) {
                throw new StorageError(412, "SourceConditionNotMet", "The source condition specified using HTTP conditional header(s) is not met.");
            }
            Attributes existing = attributesOrNull(target);
            conditions.checkWrite(existing);
            if (target.equals(source)) {
                return moving;
            }
            if (target.startsWith(source)) {
                throw StorageError.badRequest("InvalidDestinationPath", "The destination path is inside the source directory.");
            }
            if (!Files.isDirectory(target.getParent())) {
                throw new StorageError(404, "RenameDestinationParentPathNotFound", "The parent directory of the destination path does not exist.");
            }
            if (existing != null && existing.directory() != moving.directory()) {
                throw new StorageError(409, "PathConflict", "The destination exists as a " + (existing.directory() ? "directory." : "file."));
            }
            if (existing != null && existing.directory() && !isEmpty(target)) {
                throw new StorageError(409, "DirectoryNotEmpty", "The destination directory is not empty.");
            }
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            moveMetadata(sourceFileSystem, sourcePath, fileSystem, path);
            forgetUncommitted(key(sourceFileSystem, sourcePath));
            forgetUncommitted(key(fileSystem, path));
            return attributes(target);
        });
    }

    void delete(String fileSystem, String path, boolean recursive, StorageConditions conditions) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        locked(namespace.writeLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            Attributes existing = attributesOrNull(target);
            if (existing == null) {
                throw StorageError.pathNotFound();
            }
            conditions.checkWrite(existing);
            if (existing.directory() && !recursive && !isEmpty(target)) {
                throw new StorageError(409, "DirectoryNotEmpty", "The recursive query parameter value must be true to delete a non-empty directory.");
            }
            deleteTree(target);
            deleteTreeIfExists(metadataDirectory(fileSystem, path));
            forgetUncommitted(key(fileSystem, path));
            return null;
        });
    }

    /**
     * Replaces the user metadata of a file or directory (Set Blob Metadata); like any change, it gives the path a new
     * ETag.
     */
    Attributes setMetadata(String fileSystem, String path, Map<String, String> metadata, StorageConditions conditions) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        return locked(namespace.writeLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            Attributes existing = attributesOrNull(target);
            if (existing == null) {
                throw StorageError.pathNotFound();
            }
            conditions.checkWrite(existing);
            writeMetadata(fileSystem, path, metadata);
            touch(target);
            return attributes(target);
        });
    }

    /** The user metadata of a path, names in lower case; empty when it has none. */
    Map<String, String> metadata(String fileSystem, String path) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        return locked(namespace.readLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            if (attributesOrNull(target) == null) {
                throw StorageError.pathNotFound();
            }
            Path entry = metadataDirectory(fileSystem, path).resolve(METADATA_ENTRY);
            Map<String, String> metadata = new TreeMap<>();
            if (Files.isRegularFile(entry)) {
                Properties stored = new Properties();
                try (Reader in = Files.newBufferedReader(entry, StandardCharsets.UTF_8)) {
                    stored.load(in);
                }
                stored.forEach((name, value) -> metadata.put((String) name, (String) value));
            }
            return metadata;
        });
    }

    Attributes properties(String fileSystem, String path) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        return locked(namespace.readLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            Attributes attributes = attributesOrNull(target);
            if (attributes == null) {
                throw StorageError.pathNotFound();
            }
            return attributes;
        });
    }

    /**
     * Reads the committed bytes from {@code start} to {@code end} (inclusive, null: to the end); the whole file when
     * {@code start} is null. A start at or past the end is 416 {@code InvalidRange}, as for the service.
     */
    Content read(String fileSystem, String path, Long start, Long end) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path target = resolve(fileSystemDirectory, path);
        String key = key(fileSystem, path);
        return locked(namespace.readLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            synchronized (stripe(key)) {
                Attributes attributes = attributesOrNull(target);
                if (attributes == null) {
                    throw StorageError.pathNotFound();
                }
                if (attributes.directory()) {
                    return new Content(attributes, new byte[0], 0);
                }
                long length = attributes.length();
                if (start == null) {
                    return new Content(attributes, Files.readAllBytes(target), 0);
                }
                if (start >= length) {
                    throw new StorageError(416, "InvalidRange", "The range specified is invalid for the current size of the resource.",
                            Map.of("Content-Range", "bytes */" + length));
                }
                long last = end == null ? length - 1 : Math.min(end, length - 1);
                ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(last - start + 1));
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.READ)) {
                    while (buffer.hasRemaining() && channel.read(buffer, start + buffer.position()) >= 0) {
                        // read until the range is full
                    }
                }
                return new Content(attributes, buffer.array(), start);
            }
        });
    }

    /** Paths under {@code directory} (null: the file system's root) in name order, {@code maxResults} a page. */
    Listing list(String fileSystem, String directory, boolean recursive, int maxResults, String continuation) {
        Path fileSystemDirectory = fileSystemDirectory(fileSystem);
        Path base = directory == null || directory.isEmpty() ? fileSystemDirectory : resolve(fileSystemDirectory, directory);
        String after = continuation == null || continuation.isEmpty() ? null
                : new String(Base64.getUrlDecoder().decode(continuation), StandardCharsets.UTF_8);
        return locked(namespace.readLock(), () -> {
            requireFileSystem(fileSystemDirectory);
            if (!Files.isDirectory(base)) {
                throw StorageError.pathNotFound();
            }
            List<String> names;
            try (Stream<Path> paths = recursive ? Files.walk(base).skip(1) : Files.list(base)) {
                names = paths.map(p -> fileSystemDirectory.relativize(p).toString().replace('\\', '/'))
                        .filter(name -> after == null || name.compareTo(after) > 0)
                        .sorted()
                        .toList();
            }
            List<Entry> entries = new ArrayList<>();
            for (String name : names) {
                if (entries.size() == maxResults) {
                    String last = entries.get(entries.size() - 1).name();
                    return new Listing(entries, Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
                }
                Attributes attributes = attributesOrNull(fileSystemDirectory.resolve(name));
                if (attributes != null) {
                    entries.add(new Entry(name, attributes));
                }
            }
            return new Listing(entries, null);
        });
    }

    /** Where the metadata of a path (and of everything beneath it) is kept; {@code ""}: the whole file system's. */
    private Path metadataDirectory(String fileSystem, String path) {
        Path directory = root.resolve(METADATA_ROOT).resolve(fileSystem);
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                directory = directory.resolve("+" + segment);
            }
        }
        return directory;
    }

    /** Replaces a path's metadata; names are stored in lower case, as HTTP headers carry them case-insensitively. */
    private void writeMetadata(String fileSystem, String path, Map<String, String> metadata) throws IOException {
        Path directory = metadataDirectory(fileSystem, path);
        Path entry = directory.resolve(METADATA_ENTRY);
        if (metadata.isEmpty()) {
            Files.deleteIfExists(entry);
            return;
        }
        Properties stored = new Properties();
        metadata.forEach((name, value) -> stored.setProperty(name.toLowerCase(Locale.ROOT), value));
        Files.createDirectories(directory);
        Path staging = directory.resolve(METADATA_ENTRY + ".tmp");
        try (Writer out = Files.newBufferedWriter(staging, StandardCharsets.UTF_8)) {
            stored.store(out, null);
        }
        Files.move(staging, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Moves the metadata of a renamed path and its children; what the destination had goes, as its path was replaced. */
    private void moveMetadata(String sourceFileSystem, String sourcePath, String fileSystem, String path) throws IOException {
        Path from = metadataDirectory(sourceFileSystem, sourcePath);
        Path to = metadataDirectory(fileSystem, path);
        deleteTreeIfExists(to);
        if (Files.isDirectory(from)) {
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void deleteTreeIfExists(Path top) throws IOException {
        if (Files.exists(top)) {
            deleteTree(top);
        }
    }

    private Attributes requireFileSystem(Path directory) {
        Attributes attributes = attributesOrNull(directory);
        if (attributes == null || !attributes.directory()) {
            throw StorageError.fileSystemNotFound();
        }
        return attributes;
    }

    private Attributes requireFile(Path target) {
        Attributes file = attributesOrNull(target);
        if (file == null) {
            throw StorageError.pathNotFound();
        }
        if (file.directory()) {
            throw new StorageError(409, "PathConflict", "The path is a directory.");
        }
        return file;
    }

    private void createParents(Path fileSystemDirectory, Path parent) throws IOException {
        if (parent.equals(fileSystemDirectory)) {
            return;
        }
        createParents(fileSystemDirectory, parent.getParent());
        Attributes existing = attributesOrNull(parent);
        if (existing == null) {
            Files.createDirectory(parent);
            touch(parent);
        } else if (!existing.directory()) {
            throw new StorageError(409, "PathConflict", "A parent of the path is a file: " + fileSystemDirectory.relativize(parent));
        }
    }

    private Path fileSystemDirectory(String fileSystem) {
        if (fileSystem == null || !FILE_SYSTEM_NAME.matcher(fileSystem).matches()) {
            throw StorageError.badRequest("InvalidResourceName", "The specifed resource name contains invalid characters.");
        }
        return root.resolve(fileSystem);
    }

    private static Path resolve(Path fileSystemDirectory, String path) {
        Path resolved = fileSystemDirectory;
        for (String segment : path.split("/")) {
            if (segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                throw StorageError.badRequest("InvalidResourceName", "The specifed resource name contains invalid characters.");
            }
            if (!segment.isEmpty()) {
                resolved = resolved.resolve(segment);
            }
        }
        if (resolved.equals(fileSystemDirectory)) {
            throw StorageError.badRequest("InvalidResourceName", "A path is required.");
        }
        return resolved;
    }

    private static String key(String fileSystem, String path) {
        StringBuilder key = new StringBuilder(fileSystem);
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                key.append('/').append(segment);
            }
        }
        return key.toString();
    }

    private Object stripe(String key) {
        return stripes[Math.floorMod(key.hashCode(), stripes.length)];
    }

    /** Drops the uncommitted data of a path and of everything beneath it. */
    private void forgetUncommitted(String key) {
        uncommitted.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "/"));
    }

    /** Gives the path a modification time later than any given before, so every change makes a new ETag. */
    private void touch(Path target) throws IOException {
        long now = TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis());
        long stamp = lastStamp.updateAndGet(last -> Math.max(now, last + 1));
        Files.setLastModifiedTime(target, FileTime.from(stamp, TimeUnit.MICROSECONDS));
    }

    private static Attributes attributes(Path path) throws IOException {
        BasicFileAttributes basic = Files.readAttributes(path, BasicFileAttributes.class);
        long micros = basic.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        long length = basic.isDirectory() ? 0 : basic.size();
        String etag = "\"0x8D" + Long.toHexString(micros).toUpperCase() + Long.toHexString(length).toUpperCase() + "\"";
        return new Attributes(basic.isDirectory(), length, etag, basic.lastModifiedTime().toInstant(), basic.creationTime().toInstant());
    }

    private static Attributes attributesOrNull(Path path) {
        try {
            return attributes(path);
        } catch (NoSuchFileException missing) {
            return null;
        } catch (IOException e) {
            throw new StorageError(500, "InternalError", "cannot read " + path + ": " + e);
        }
    }

    private static boolean isEmpty(Path directory) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            return !children.iterator().hasNext();
        }
    }

    private static void deleteTree(Path top) throws IOException {
        try (Stream<Path> paths = Files.walk(top)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private interface Work<T> {
        T run() throws IOException;
    }

    private static <T> T locked(Lock lock, Work<T> work) {
        lock.lock();
        try {
            return work.run();
        } catch (IOException e) {
            throw new StorageError(500, "InternalError", "the local store failed: " + e);
        } finally {
            lock.unlock();
        }
    }
}
