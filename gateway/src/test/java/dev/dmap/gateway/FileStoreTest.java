package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void shouldRemoveWhatAnInterruptedUploadLeftWhenItStarts() throws Exception {
        FileStore store = new FileStore(dir, clock);
        StoredFile kept = upload(store, "alice", "{}\n", null);
        Files.writeString(store.incoming(), "half an upload");
        Files.writeString(dir.resolve("files").resolve("file-without-metadata"), "moved, but the metadata never written");

        FileStore restarted = new FileStore(dir, clock);

        assertThat(dir.resolve("incoming")).isEmptyDirectory();
        assertThat(dir.resolve("files").resolve("file-without-metadata")).doesNotExist();
        assertThat(restarted.list("alice")).containsExactly(kept);
    }
}
