package dev.dmap.gateway.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Files in a directory: {@code files/<id>} holds the content, {@code files/<id>.json} its metadata.
 * Content arrives in this gateway's {@link Incoming} area and is moved into place; the metadata is
 * written last, also by a move, so a file exists exactly when its metadata does: a gateway killed
 * mid-upload leaves nothing a client can see, and the next gateway to start deletes the leftovers.
 * Several gateways may share the directory.
 */
public final class FileStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(FileStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /**
     * Content without metadata this old was left by a gateway that died between the two moves of
     * {@link #add} (younger, it may be another gateway's file a moment before its metadata lands).
     */
    static final Duration ORPHAN_AGE = Duration.ofMinutes(10);
    private final Path files;
    private final Incoming incoming;
    private final Clock clock;

    public FileStore(Path given, Clock clock) {
        // absolute: the servlet container writes an upload's part relative to its own work directory otherwise
        Path dir = given.toAbsolutePath().normalize();
        this.files = dir.resolve("files");
        this.clock = clock;
        try {
            Files.createDirectories(files);
            ownerOnly(dir);
            removeOrphans();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the file directory " + dir + ": " + e.getMessage(), e);
        }
        this.incoming = Incoming.claim(dir.resolve("incoming"));
    }

    /**
     * Only the gateway's own user may enter the directory (POSIX {@code rwx------}): its files are the
     * tenants' prompts and outputs. On a file system without POSIX permissions it stays as it is.
     */
    private static void ownerOnly(Path dir) throws IOException {
        if (Files.getFileAttributeView(dir, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** A fresh path in this gateway's incoming area to write a file's content to before {@link #add}. */
    public Path incoming() {
        return incoming.fresh("upload");
    }

    /** This gateway's incoming area: where uploads stream to (the multipart location). */
    public Path incomingDir() {
        return incoming.dir();
    }

    /** Moves {@code content} into the store under a new id and records its metadata. */
    public StoredFile add(Path content, String owner, String filename, String purpose, Long expiresAt) {
        return add("file-" + HexFormat.of().formatHex(random(12)), content, owner, filename, purpose, expiresAt);
    }

    /** As {@link #add(Path, String, String, String, Long)} under a given id (a batch's output files). */
    public StoredFile add(String id, Path content, String owner, String filename, String purpose, Long expiresAt) {
        try {
            Files.move(content, files.resolve(id), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            StoredFile file = new StoredFile(id, owner, Files.size(files.resolve(id)), clock.instant().getEpochSecond(),
                    filename, purpose, expiresAt);
            Path metadata = incoming.fresh(id + ".json");
            JSON.writeValue(metadata.toFile(), file);
            Files.move(metadata, files.resolve(id + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store file " + id + ": " + e.getMessage(), e);
        }
    }

    /** The owner's file {@code id}; another owner's, an expired or a missing one is absent. */
    public Optional<StoredFile> find(String owner, String id) {
        if (!id.matches("[A-Za-z0-9._-]{1,200}")) {
            return Optional.empty();
        }
        Path metadata = files.resolve(id + ".json");
        StoredFile file;
        try {
            file = JSON.readValue(Files.readAllBytes(metadata), StoredFile.class);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // never was, or deleted meanwhile (by this gateway or another)
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + metadata + ": " + e.getMessage(), e);
        }
        if (file.expired(clock.instant().getEpochSecond())) {
            delete(file);
            return Optional.empty();
        }
        return file.owner().equals(owner) ? Optional.of(file) : Optional.empty();
    }

    /** The content of a file found by {@link #find}. */
    public Path content(StoredFile file) {
        return files.resolve(file.id());
    }

    /** The owner's files, newest first. */
    public List<StoredFile> list(String owner) {
        List<StoredFile> found = new ArrayList<>();
        try (Stream<Path> paths = Files.list(files)) {
            paths.filter(p -> p.getFileName().toString().endsWith(".json")).forEach(p -> {
                String name = p.getFileName().toString();
                find(owner, name.substring(0, name.length() - ".json".length())).ifPresent(found::add);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingLong(StoredFile::createdAt).reversed().thenComparing(StoredFile::id));
        return found;
    }

    /**
     * What the owner keeps now: its files (expired ones not counted) and their bytes.
     *
     * @param files how many
     * @param bytes their size
     */
    public record Usage(long files, long bytes) {
    }

    /** The owner's {@link Usage}, read from the metadata. */
    public Usage usage(String owner) {
        List<StoredFile> owned = list(owner);
        return new Usage(owned.size(), owned.stream().mapToLong(StoredFile::bytes).sum());
    }

    /** Deletes metadata first, so a half-deleted file is already gone for clients. */
    public void delete(StoredFile file) {
        try {
            Files.deleteIfExists(files.resolve(file.id() + ".json"));
            Files.deleteIfExists(files.resolve(file.id()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete file " + file.id() + ": " + e.getMessage(), e);
        }
    }

    private void removeOrphans() throws IOException {
        FileTime old = FileTime.from(Instant.now().minus(ORPHAN_AGE));
        try (Stream<Path> content = Files.list(files)) {
            for (Path path : (Iterable<Path>) content::iterator) {
                String name = path.getFileName().toString();
                try {
                    if (!name.endsWith(".json") && !Files.exists(files.resolve(name + ".json"))
                            && Files.getLastModifiedTime(path).compareTo(old) < 0) {
                        Files.deleteIfExists(path);
                        log.info("Removed {}: content whose metadata was never written", name);
                    }
                } catch (NoSuchFileException e) {
                    // deleted meanwhile by another gateway
                }
            }
        }
    }

    @Override
    public void close() {
        incoming.close();
    }

    private static byte[] random(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return random;
    }
}
