package dev.dmap.gateway.batches;

import dev.dmap.client.CollectSummary;
import dev.dmap.client.OutputFiles;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.schemas.BatchState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores an ended batch's output and error files: what the client library's collect writes, moved
 * into the file store under the batch's lock, then recorded on the batch. One batch at a time on
 * the executor it is given; a collect that cannot read every outcome is tried again after a while,
 * and the reason is shown on the batch meanwhile.
 */
public final class OutputWriter {
    private static final Logger log = LoggerFactory.getLogger(OutputWriter.class);
    /** After a collect that could not read every outcome, the next try waits this long. */
    static final Duration COLLECT_AGAIN_AFTER = Duration.ofMinutes(10);
    private final BatchClient client;
    private final FileStore files;
    private final BatchStore store;
    private final BatchLocks locks;
    private final BatchStates states;
    private final Duration fileRetention;
    private final Executor executor;
    private final Clock clock;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> collectAgainAt = new ConcurrentHashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();

    /**
     * @param fileRetention how long output files live when the batch set no {@code output_expires_after}
     * @param executor      runs the writing, one batch at a time (a single thread)
     */
    public OutputWriter(BatchClient client, FileStore files, BatchStore store, BatchLocks locks, BatchStates states,
            Duration fileRetention, Executor executor, Clock clock) {
        this.client = client;
        this.files = files;
        this.store = store;
        this.locks = locks;
        this.states = states;
        this.fileRetention = fileRetention;
        this.executor = executor;
        this.clock = clock;
    }

    /** Writes the batch's outputs on the executor, unless they are queued, stored, or waiting for their next try. */
    public void schedule(String batchId) {
        Instant again = collectAgainAt.get(batchId);
        if (again != null && clock.instant().isBefore(again) || !queued.add(batchId)) {
            return;
        }
        executor.execute(() -> {
            try {
                write(batchId);
            } catch (RuntimeException e) {
                collectAgainAt.put(batchId, clock.instant().plus(COLLECT_AGAIN_AFTER));
                problems.put(batchId, "The output files could not be written yet: " + e.getMessage()
                        + "; this gateway tries again in " + COLLECT_AGAIN_AFTER.toMinutes() + " minutes.");
                log.warn("Writing the output files of batch {} failed ({}); trying again in {} min", batchId, e.getMessage(),
                        COLLECT_AGAIN_AFTER.toMinutes());
            } finally {
                queued.remove(batchId);
            }
        });
    }

    /** Why this gateway could not write the batch's output files yet (shown while it is finalizing), if it tried. */
    public Optional<String> problem(String batchId) {
        return Optional.ofNullable(problems.get(batchId));
    }

    private void write(String batchId) {
        if (store.read(batchId).filter(batch -> !batch.outputsWritten()).isEmpty()) {
            return; // not a gateway batch, or stored already: nothing to take the lock for
        }
        Optional<BatchLocks.Held> lock = locks.tryLock(batchId);
        if (lock.isEmpty()) {
            return; // another gateway is writing them
        }
        try (BatchLocks.Held held = lock.get()) {
            GatewayBatch batch = store.read(batchId).orElse(null);
            if (batch == null || batch.outputsWritten() || batch.phase() != GatewayBatch.Phase.SUBMITTED) {
                return;
            }
            BatchState state = states.peek(batchId).filter(BatchState::ended).orElse(null);
            if (state != null) {
                writeLocked(batch, state);
            }
        }
    }

    private void writeLocked(GatewayBatch batch, BatchState state) {
        Path output = files.incoming();
        Path errors = files.incoming();
        try {
            Files.createFile(output);
            Files.createFile(errors);
            CollectSummary summary = client.collect(batch.id(), new OutputFiles(output, errors), batch.total());
            if (!summary.complete()) {
                throw new IllegalStateException("only " + (summary.succeeded() + summary.failed()) + " of " + summary.total()
                        + " outcomes could be read from " + client.resultsTopic() + " (are they past its retention?)");
            }
            long ended = clock.instant().getEpochSecond();
            long lifetime = batch.outputExpiresAfter() != null ? batch.outputExpiresAfter() : fileRetention.toSeconds();
            String outputId = summary.succeeded() > 0 ? files.add("file-" + batch.id() + "-output", output, batch.owner(),
                    batch.id() + "_output.jsonl", "batch_output", ended + lifetime).id() : null;
            String errorId = summary.failed() > 0 ? files.add("file-" + batch.id() + "-errors", errors, batch.owner(),
                    batch.id() + "_error.jsonl", "batch_output", ended + lifetime).id() : null;
            store.save(batch.withOutputs(outputId == null ? "" : outputId, errorId == null ? "" : errorId));
            collectAgainAt.remove(batch.id());
            problems.remove(batch.id());
            log.info("Batch {} {}: output and error files written ({} succeeded, {} failed)", batch.id(), state.status(),
                    summary.succeeded(), summary.failed());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(output);
            deleteQuietly(errors);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("Could not delete {}", path, e);
        }
    }
}
