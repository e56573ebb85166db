package dev.dmap.gateway.batches;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One OS file lock per batch ({@code locks/<id>.lock}), so that of several gateways over one
 * directory only one publishes a batch or writes its outputs at a time; the operating system drops
 * the lock when its gateway dies, so the work is taken over, never lost. The lock files stay: deleting
 * one while another gateway opens it would let two gateways lock different files.
 */
public final class BatchLocks {
    private final Path dir;

    public BatchLocks(Path root) {
        this.dir = root.resolve("locks");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The batch's lock, or empty while another gateway (or another thread of this one) holds it. */
    Optional<Held> tryLock(String batchId) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(dir.resolve(batchId + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new Held(channel));
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            return Optional.empty();
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("cannot lock batch " + batchId + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // closing a channel we failed to lock: nothing to undo
        }
    }

    /** A held lock; closing it lets go. */
    static final class Held implements AutoCloseable {
        private final FileChannel channel;

        private Held(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public void close() {
            closeQuietly(channel);
        }
    }
}
