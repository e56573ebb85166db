package dev.dmap.gateway.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one gateway writes uploads and outputs before they move into the store:
 * {@code incoming/<instance>/}, claimed by an exclusive lock on {@code incoming/<instance>.lock} for
 * the life of the process. The operating system drops the lock when the process dies, SIGKILL
 * included, so several gateways can share one directory: each deletes, at start, the areas whose
 * lock nobody holds (their gateway died mid-upload), never one in use.
 */
final class Incoming implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Incoming.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A lock file younger than this may belong to a gateway that has created it and not yet locked it. */
    private static final Duration CLAIMING = Duration.ofSeconds(2);
    private final Path dir;
    private final Path lockFile;
    private final FileChannel channel;
    private final FileLock lock;

    private Incoming(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.lockFile = lockFile;
        this.channel = channel;
        this.lock = lock;
    }

    /** Deletes what dead gateways left in {@code root}, then claims a new area there. */
    static Incoming claim(Path root) {
        try {
            Files.createDirectories(root);
            removeAbandoned(root);
            String instance = "gateway-" + HexFormat.of().formatHex(random());
            Path lockFile = root.resolve(instance + ".lock");
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            Path dir = Files.createDirectory(root.resolve(instance));
            return new Incoming(dir, lockFile, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + root + " for uploads: " + e.getMessage(), e);
        }
    }

    /** This gateway's area. */
    Path dir() {
        return dir;
    }

    /** A fresh path in this gateway's area. */
    Path fresh(String prefix) {
        return dir.resolve(prefix + "-" + HexFormat.of().formatHex(random()));
    }

    /** A clean stop: nothing in the area is in use any more; delete it and let go of the lock. */
    @Override
    public void close() {
        try {
            deleteTree(dir);
            Files.deleteIfExists(lockFile);
            lock.release();
            channel.close();
        } catch (IOException e) {
            log.warn("Could not remove {} at stop ({}); the next gateway to start removes it", dir, e.getMessage());
        }
    }

    private static void removeAbandoned(Path root) throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                String name = entry.getFileName().toString();
                if (name.endsWith(".lock")) {
                    removeIfAbandoned(entry, root.resolve(name.substring(0, name.length() - ".lock".length())));
                } else if (Files.isRegularFile(entry) && Files.deleteIfExists(entry)) {
                    log.info("Removed {} left by an interrupted upload", name); // the layout before areas: all in incoming/
                }
            }
        }
    }

    private static void removeIfAbandoned(Path lockFile, Path area) throws IOException {
        try {
            removeIfUnlocked(lockFile, area);
        } catch (NoSuchFileException e) {
            // another gateway starting at the same time removed it first
        }
    }

    private static void removeIfUnlocked(Path lockFile, Path area) throws IOException {
        if (Files.getLastModifiedTime(lockFile).toInstant().isAfter(java.time.Instant.now().minus(CLAIMING))) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return; // a running gateway's
            }
            long left = countFiles(area);
            deleteTree(area);
            Files.deleteIfExists(lockFile);
            lock.release();
            log.info("Removed {} ({} files left by a gateway that stopped mid-upload)", area.getFileName(), left);
        } catch (OverlappingFileLockException e) {
            // held by this JVM: a gateway running in the same process (tests)
        }
    }

    private static long countFiles(Path area) throws IOException {
        if (!Files.isDirectory(area)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(area)) {
            return files.count();
        } catch (NoSuchFileException e) {
            return 0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException | UncheckedIOException e) {
            // removed meanwhile by another gateway starting at the same time
        }
    }

    private static byte[] random() {
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        return random;
    }
}
