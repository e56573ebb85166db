package dev.dmap.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameEachKeysOwnerAndSkipCommentsAndKeysWithoutOwner() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "# operator's keys\n\nsk-a alice smith\nsk-lonely\n  sk-b   bob  \n");
        ApiKeys keys = new ApiKeys(file);

        assertThat(keys.owner("sk-a")).contains("alice smith");
        assertThat(keys.owner("sk-b")).contains("bob");
        assertThat(keys.owner("sk-lonely")).isEmpty();
        assertThat(keys.owner("# operator's")).isEmpty();
        assertThat(keys.owner("sk-")).isEmpty();
    }

    @Test
    void shouldStopAcceptingARevokedKeyAsSoonAsTheFileChanges() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "sk-a alice\nsk-b bob\n");
        ApiKeys keys = new ApiKeys(file);
        assertThat(keys.owner("sk-b")).contains("bob");

        Files.writeString(file, "sk-a alice\nsk-c carol\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(keys.owner("sk-b")).isEmpty();
        assertThat(keys.owner("sk-c")).contains("carol");
        assertThat(keys.owner("sk-a")).contains("alice");
    }

    @Test
    void shouldRefuseEveryKeyWhileTheFileCannotBeReadAndAcceptThemAgainOnceItCan() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "sk-a alice\n");
        ApiKeys keys = new ApiKeys(file);
        assertThat(keys.owner("sk-a")).contains("alice");

        Files.delete(file);
        assertThat(keys.owner("sk-a")).as("the keys file deleted").isEmpty();

        Files.writeString(file, "sk-a alice\n");
        assertThat(keys.owner("sk-a")).contains("alice");
    }

    @Test
    void shouldStopAcceptingARevokedKeyWhenTheEditKeepsTheFilesTimeAndSize() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "sk-a alice\nsk-b bob\n");
        FileTime stamp = Files.getLastModifiedTime(file);
        ApiKeys keys = new ApiKeys(file);
        assertThat(keys.owner("sk-b")).contains("bob");

        Files.writeString(file, "sk-a alice\nsk-x bob\n"); // as cp -p or rsync -t would leave it: same size, same time
        Files.setLastModifiedTime(file, stamp);

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> keys.owner("sk-b").isEmpty());
        assertThat(keys.owner("sk-x")).contains("bob");
    }

    @Test
    void shouldGrantEachKeyTheMaximumPriorityItsLineSaysAndNoneAboveZeroOtherwise() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "sk-a alice smith max-priority=9\nsk-b bob\nsk-c carol max-priority=-1\n");
        ApiKeys keys = new ApiKeys(file);

        assertThat(keys.grant("sk-a")).hasValue(new ApiKeys.Grant("alice smith", 9));
        assertThat(keys.grant("sk-b")).hasValue(new ApiKeys.Grant("bob", ApiKeys.DEFAULT_MAX_PRIORITY));
        assertThat(keys.grant("sk-c")).hasValue(new ApiKeys.Grant("carol", -1));
    }

    @Test
    void shouldMarkAKeyAdminWhenItsLineEndsInAdminWithOrWithoutAPriority() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "sk-a ops team admin\nsk-b bob max-priority=3 admin\n"
                + "sk-c carol admin max-priority=2\nsk-d admin\n");
        ApiKeys keys = new ApiKeys(file);

        assertThat(keys.grant("sk-a")).hasValue(new ApiKeys.Grant("ops team", ApiKeys.DEFAULT_MAX_PRIORITY, true));
        assertThat(keys.grant("sk-b")).hasValue(new ApiKeys.Grant("bob", 3, true));
        assertThat(keys.grant("sk-c")).hasValue(new ApiKeys.Grant("carol", 2, true));
        assertThat(keys.grant("sk-d")).as("a lone word is the owner's name").hasValue(new ApiKeys.Grant("admin", 0, false));
    }
}
