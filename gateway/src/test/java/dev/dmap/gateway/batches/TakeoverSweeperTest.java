package dev.dmap.gateway.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.client.KafkaConnection;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import dev.dmap.schemas.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep takes over abandoned publications, leaves young ones to their gateway, and survives its own failures. */
class TakeoverSweeperTest {
    private static final String LINE = "{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":\"x\"}}\n";
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final FakeBatchClient client = new FakeBatchClient();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final Executor inline = Runnable::run;
    private FileStore files;
    private BatchStore store;
    private BatchStates states;
    private TakeoverSweeper sweeper;

    @BeforeEach
    void setUp() {
        files = new FileStore(dir, clock);
        store = new BatchStore(dir);
        BatchLocks locks = new BatchLocks(dir);
        states = new BatchStates(KafkaConnection.of("127.0.0.1:9", "sweep")); // never started: no broker is contacted
        BatchPublisher publisher = new BatchPublisher(client, files, store, locks, scheduler, PublishRules.defaults(), clock);
        OutputWriter outputs = new OutputWriter(client, files, store, locks, states, Duration.ofDays(30), inline, clock);
        sweeper = new TakeoverSweeper(store, states, publisher, outputs, clock);
    }

    @AfterEach
    void tearDown() throws Exception {
        states.close();
        files.close();
    }

    @Test
    void shouldPublishEveryValidatingBatchAtStartThenOnlyThoseAbandonedForAMinute() throws Exception {
        validating("batch_before_start");
        sweeper.run();
        assertThat(client.submitted).containsExactly("batch_before_start");

        validating("batch_young");
        clock.advance(Duration.ofSeconds(30));
        sweeper.run();
        assertThat(client.submitted).as("its own gateway may still be publishing it").containsExactly("batch_before_start");

        clock.advance(Duration.ofSeconds(31));
        sweeper.run();
        assertThat(client.submitted).containsExactly("batch_before_start", "batch_young");
    }

    @Test
    void shouldKeepSweepingAfterASweepThatFailed() throws Exception {
        sweeper.run();
        Path records = dir.resolve("batches");
        Path aside = dir.resolve("batches-aside");
        Files.move(records, aside);
        sweeper.run(); // the records cannot be listed: logged, not thrown (a scheduled task that throws is never run again)
        Files.move(aside, records);
        validating("batch_after_failure");
        clock.advance(Duration.ofMinutes(2));

        sweeper.run();

        assertThat(client.submitted).containsExactly("batch_after_failure");
    }

    private void validating(String id) throws Exception {
        Path incoming = files.incoming();
        Files.writeString(incoming, LINE);
        StoredFile input = files.add(incoming, "alice", "in.jsonl", "batch", null);
        long now = clock.instant().getEpochSecond();
        store.save(GatewayBatch.created(id, "alice", "/v1/embeddings", input.id(), "24h", null, now, now + 86_400, null, 0));
    }
}
