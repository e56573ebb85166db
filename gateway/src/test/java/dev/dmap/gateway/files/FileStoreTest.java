package dev.dmap.gateway.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    private StoredFile upload(FileStore store, String owner, String text, Long expiresAt) throws Exception {
        Path incoming = store.incoming();
        Files.writeString(incoming, text);
        return store.add(incoming, owner, "in.jsonl", "batch", expiresAt);
    }

    @Test
    void shouldShowAFileOnlyToItsOwner() throws Exception {
        FileStore store = new FileStore(dir, clock);
        StoredFile file = upload(store, "alice", "{}\n", null);

        assertThat(store.find("alice", file.id())).contains(file);
        assertThat(store.find("bob", file.id())).isEmpty();
        assertThat(store.list("bob")).isEmpty();
        assertThat(store.list("alice")).containsExactly(file);
        assertThat(Files.readString(store.content(file))).isEqualTo("{}\n");
        assertThat(file.bytes()).isEqualTo(3);
        assertThat(store.find("alice", "../files/" + file.id())).isEmpty();
    }

    @Test
    void shouldHandUploadsAnAbsoluteIncomingPlaceWhenGivenARelativeDirectory() throws Exception {
        // the servlet container writes an upload relative to its own work directory: a relative --dir gave every upload a 500
        Path relative = Path.of("target", "relative-store-" + System.nanoTime());
        try {
            FileStore store = new FileStore(relative, clock);

            assertThat(store.incomingDir()).isAbsolute();
            assertThat(store.incoming()).isAbsolute().startsWithRaw(relative.toAbsolutePath());
            assertThat(store.find("alice", upload(store, "alice", "{}\n", null).id())).isPresent();
        } finally {
            try (var paths = Files.walk(relative)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void shouldForgetAndDeleteAFileOnceItHasExpired() throws Exception {
        FileStore store = new FileStore(dir, clock);
        StoredFile file = upload(store, "alice", "{}\n", clock.instant().plusSeconds(3600).getEpochSecond());
        clock.advance(Duration.ofMinutes(59));
        assertThat(store.find("alice", file.id())).isPresent();

        clock.advance(Duration.ofMinutes(1));

        assertThat(store.find("alice", file.id())).isEmpty();
        assertThat(store.content(file)).doesNotExist();
    }

    @Test
    void shouldRemoveWhatADeadGatewayLeftWhenItStarts() throws Exception {
        FileStore first = new FileStore(dir, clock);
        StoredFile kept = upload(first, "alice", "{}\n", null);
        first.close();
        Path incoming = dir.resolve("incoming");
        Files.createDirectories(incoming.resolve("gateway-dead"));
        Files.writeString(incoming.resolve("gateway-dead").resolve("upload-1"), "half an upload");
        old(Files.writeString(incoming.resolve("gateway-dead.lock"), ""));
        Path orphan = old(Files.writeString(dir.resolve("files").resolve("file-orphan"), "moved, but the metadata never written"));
        Path landing = Files.writeString(dir.resolve("files").resolve("file-landing"), "moved a moment ago, metadata on its way");

        FileStore restarted = new FileStore(dir, clock);

        assertThat(incoming.resolve("gateway-dead")).doesNotExist();
        assertThat(incoming.resolve("gateway-dead.lock")).doesNotExist();
        assertThat(orphan).doesNotExist();
        assertThat(landing).exists();
        assertThat(restarted.list("alice")).containsExactly(kept);
    }

    @Test
    void shouldLeaveTheUploadsOfAGatewayStillRunningAlone() throws Exception {
        FileStore running = new FileStore(dir, clock);
        Path upload = Files.writeString(running.incoming(), "an upload in progress");
        try (var locks = Files.list(dir.resolve("incoming"))) {
            locks.filter(path -> path.toString().endsWith(".lock")).forEach(FileStoreTest::old);
        }

        FileStore second = new FileStore(dir, clock);

        assertThat(upload).hasContent("an upload in progress");
        assertThat(second.incomingDir()).isNotEqualTo(running.incomingDir()).isEmptyDirectory();
    }

    @Test
    void shouldDeleteItsIncomingAreaOnACleanStop() throws Exception {
        FileStore store = new FileStore(dir, clock);
        Files.writeString(store.incoming(), "never finished");

        store.close();

        assertThat(dir.resolve("incoming")).isEmptyDirectory();
    }

    private static Path old(Path path) {
        try {
            Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(FileStore.ORPHAN_AGE).minusSeconds(60)));
            return path;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void shouldLetOnlyTheGatewaysUserIntoTheStore() throws Exception {
        FileStore store = new FileStore(dir, clock);
        store.close();

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }
}
