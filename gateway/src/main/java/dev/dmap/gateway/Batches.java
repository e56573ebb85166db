package dev.dmap.gateway;

import dev.dmap.cli.BatchFile;
import dev.dmap.cli.BatchIds;
import dev.dmap.cli.CliException;
import dev.dmap.cli.CollectSummary;
import dev.dmap.cli.Collector;
import dev.dmap.cli.KafkaOptions;
import dev.dmap.cli.OutputFiles;
import dev.dmap.cli.Submitter;
import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.ExitCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches on dmap's own path: an input file is validated by the CLI's {@link BatchFile} and published
 * by its {@link Submitter} (one transaction, so a gateway killed midway published nothing and the next
 * attempt publishes it again); the status is the batch tracker's; the output and error files are what
 * {@link Collector} writes, stored once the batch has ended.
 *
 * <p>Several gateways may share the directory. Publishing a batch and writing its outputs each happen
 * under the batch's {@link BatchLocks lock}, on a record read again under it, so no two gateways do the
 * same work at once and none overwrites newer state. A sweep every {@code SWEEP} takes over what no
 * one is doing: a batch still {@code validating} a while after its creation (its gateway died, or
 * died between publishing and recording it) and an ended batch whose outputs are not stored yet.
 */
public final class Batches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Batches.class);
    private static final Duration SWEEP = Duration.ofSeconds(30);
    /** A batch validating for longer than this, and unlocked, has lost its gateway: whoever sweeps publishes it. */
    private static final Duration ABANDONED = Duration.ofSeconds(60);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    private static final Duration LAST_RETRY = Duration.ofMinutes(5);
    /** How long one collect of an ended batch may take, reading included (a large batch takes a while). */
    private static final Duration COLLECT_PATIENCE = Duration.ofMinutes(10);
    /** After a collect that could not read every outcome, the next try waits this long. */
    private static final Duration COLLECT_AGAIN_AFTER = Duration.ofMinutes(10);
    private static final Duration PUBLISH_PATIENCE = Duration.ofSeconds(60);
    /** At most this many invalid lines are listed (and the count of the rest). */
    static final int MAX_LINE_ERRORS = 1_000;
    private final KafkaOptions kafka;
    private final FileStore files;
    private final BatchStore store;
    private final BatchLocks locks;
    private final BatchStates states;
    private final GatewaySettings settings;
    private final Clock clock;
    private final ScheduledExecutorService publishing = Executors.newScheduledThreadPool(2, daemon("gateway-publish"));
    private final ExecutorService outputs = Executors.newSingleThreadExecutor(daemon("gateway-outputs"));
    private final Set<String> queuedOutputs = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> collectAgainAt = new ConcurrentHashMap<>();
    private final Map<String, String> outputProblems = new ConcurrentHashMap<>();

    public Batches(KafkaOptions kafka, FileStore files, BatchStore store, BatchStates states, GatewaySettings settings, Clock clock) {
        this.kafka = kafka;
        this.files = files;
        this.store = store;
        this.locks = new BatchLocks(settings.dataDir());
        this.states = states;
        this.settings = settings;
        this.clock = clock;
        publishing.execute(() -> sweep(Duration.ZERO));
        publishing.scheduleWithFixedDelay(() -> sweep(ABANDONED), SWEEP.toMillis(), SWEEP.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records a new batch as validating and publishes it in the background. */
    public GatewayBatch create(String owner, StoredFile input, String endpoint, Duration window, Map<String, String> metadata,
            Long outputExpiresAfter, String windowText) {
        long now = clock.instant().getEpochSecond();
        GatewayBatch batch = new GatewayBatch(BatchIds.generate(clock), owner, endpoint, input.id(), windowText, metadata, now,
                now + window.toSeconds(), outputExpiresAfter, GatewayBatch.VALIDATING, List.of(), null, null, null);
        store.save(batch);
        log.info("Batch {} created by {} from {} ({} bytes) for {}", batch.id(), owner, input.id(), input.bytes(), endpoint);
        schedulePublish(batch, 0);
        return batch;
    }

    public Optional<GatewayBatch> find(String owner, String id) {
        return store.find(owner, id);
    }

    public List<GatewayBatch> list(String owner) {
        return store.list(owner);
    }

    /** The tracker's state of a published batch; starts writing its output files once it has ended. */
    public Optional<BatchState> state(GatewayBatch batch) {
        Optional<BatchState> state = stateOnly(batch);
        state.filter(BatchState::ended).filter(s -> !batch.outputsWritten()).ifPresent(s -> scheduleOutputs(batch));
        return state;
    }

    /** The tracker's state of a published batch, nothing more (a list answers with it; the sweep writes outputs). */
    public Optional<BatchState> stateOnly(GatewayBatch batch) {
        return GatewayBatch.SUBMITTED.equals(batch.phase()) ? states.get(batch.id()) : Optional.empty();
    }

    /** Why this gateway could not write the batch's output files yet (shown while it is finalizing), if it tried. */
    public Optional<String> outputProblem(String batchId) {
        return Optional.ofNullable(outputProblems.get(batchId));
    }

    /**
     * Asks the workers to cancel the batch's remaining requests. A batch still being published is
     * cancelled once its requests are on Kafka (they end as {@code batch_cancelled}).
     *
     * @return the batch as it is once published
     */
    public GatewayBatch cancel(GatewayBatch batch) {
        GatewayBatch current = awaitPublished(batch);
        if (GatewayBatch.FAILED.equals(current.phase())) {
            throw ApiError.conflict("Cannot cancel a batch with status 'failed'.");
        }
        Optional<BatchState> state = states.get(batch.id());
        if (state.isPresent() && state.get().ended()) {
            throw ApiError.conflict("Cannot cancel a batch with status '" + BatchView.status(current, state.get()) + "'.");
        }
        new Submitter(kafka, clock).command(BatchCommand.cancel(batch.id(), clock.instant()));
        log.info("Cancel requested for batch {}", batch.id());
        return current;
    }

    private GatewayBatch awaitPublished(GatewayBatch batch) {
        Instant giveUp = clock.instant().plus(PUBLISH_PATIENCE);
        GatewayBatch current = batch;
        while (GatewayBatch.VALIDATING.equals(current.phase())) {
            if (clock.instant().isAfter(giveUp)) {
                throw ApiError.unavailable("Batch " + batch.id() + " is still being published; ask again in a minute.");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiError.unavailable("interrupted");
            }
            current = store.find(batch.owner(), batch.id()).orElse(current);
        }
        return current;
    }

    /** Takes over what no gateway is doing: batches validating for longer than {@code minAge}, outputs not yet stored. */
    private void sweep(Duration minAge) {
        try {
            long before = clock.instant().minus(minAge).getEpochSecond();
            for (GatewayBatch batch : store.all()) {
                if (GatewayBatch.VALIDATING.equals(batch.phase()) && batch.createdAt() <= before) {
                    publish(batch, 0, true);
                } else if (GatewayBatch.SUBMITTED.equals(batch.phase()) && !batch.outputsWritten()) {
                    states.peek(batch.id()).filter(BatchState::ended).ifPresent(ended -> scheduleOutputs(batch));
                }
            }
        } catch (RuntimeException e) {
            log.warn("Sweeping the batch records failed ({}); the next sweep tries again", e.toString());
        }
    }

    private void schedulePublish(GatewayBatch batch, int attempt) {
        Duration delay = attempt == 0 ? Duration.ZERO
                : FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 10)).compareTo(LAST_RETRY) > 0 ? LAST_RETRY
                : FIRST_RETRY.multipliedBy(1L << Math.min(attempt - 1, 10));
        publishing.schedule(() -> publish(batch, attempt, false), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Publishes the batch if it is still validating and no one else is publishing it.
     *
     * @param takeOver whether the sweep found it (its creator's publication is not running)
     */
    private void publish(GatewayBatch seen, int attempt, boolean takeOver) {
        Optional<BatchLocks.Held> lock = locks.tryLock(seen.id());
        if (lock.isEmpty()) {
            return; // another gateway (or thread) is at it; if it dies, the sweep takes over
        }
        try (BatchLocks.Held held = lock.get()) {
            GatewayBatch batch = store.find(seen.owner(), seen.id()).orElse(null);
            if (batch == null || !GatewayBatch.VALIDATING.equals(batch.phase())) {
                return;
            }
            if (takeOver) {
                log.info("Batch {} was not published yet and no gateway is publishing it: publishing it now", batch.id());
            }
            publishLocked(batch);
        } catch (CliException e) {
            if (e.exitCode() == ExitCodes.UNREACHABLE) {
                retry(seen, attempt, e);
            } else {
                store.find(seen.owner(), seen.id()).filter(b -> GatewayBatch.VALIDATING.equals(b.phase())).ifPresent(b -> store.save(
                        b.failed(List.of(new GatewayBatch.LineError("invalid_request", e.getMessage(), null, null)),
                                clock.instant().getEpochSecond())));
                log.warn("Batch {} cannot be published: {}", seen.id(), e.getMessage());
            }
        } catch (RuntimeException e) {
            retry(seen, attempt, e);
        }
    }

    private void retry(GatewayBatch batch, int attempt, RuntimeException e) {
        log.warn("Publishing batch {} failed ({}); trying again (attempt {})", batch.id(), e.getMessage(), attempt + 2);
        schedulePublish(batch, attempt + 1);
    }

    private void publishLocked(GatewayBatch batch) {
        Optional<StoredFile> input = files.find(batch.owner(), batch.inputFileId());
        if (input.isEmpty()) {
            store.save(batch.failed(List.of(new GatewayBatch.LineError("file_not_found",
                    "The input file " + batch.inputFileId() + " was deleted or expired before the batch was published.",
                    "input_file_id", null)), clock.instant().getEpochSecond()));
            return;
        }
        BatchFile file = BatchFile.read(files.content(input.get()));
        List<GatewayBatch.LineError> errors = lineErrors(file, batch.endpoint());
        if (!errors.isEmpty()) {
            store.save(batch.failed(errors, clock.instant().getEpochSecond()));
            log.info("Batch {} failed validation: {} invalid lines", batch.id(), file.problems().size());
            return;
        }
        new Submitter(kafka, clock).submit(file, batch.id(), Instant.ofEpochSecond(batch.expiresAt()), null, false);
        store.save(batch.submitted());
        log.info("Batch {} published: {} requests", batch.id(), file.total());
    }

    /** The invalid lines as OpenAI lists them (the first {@link #MAX_LINE_ERRORS}, then how many more), and mismatched urls. */
    private static List<GatewayBatch.LineError> lineErrors(BatchFile file, String endpoint) {
        List<GatewayBatch.LineError> errors = new ArrayList<>(file.problems().stream().limit(MAX_LINE_ERRORS).map(problem ->
                new GatewayBatch.LineError("invalid_request", problem.message(), problem.field().isEmpty() ? null : problem.field(),
                        problem.line())).toList());
        if (file.problems().size() > MAX_LINE_ERRORS) {
            errors.add(new GatewayBatch.LineError("invalid_request", (file.problems().size() - MAX_LINE_ERRORS)
                    + " more invalid lines are not listed; dmap submit lists them all", null, null));
        }
        file.firstLineByUrl().forEach((url, line) -> {
            if (!url.equals(endpoint)) {
                errors.add(new GatewayBatch.LineError("mismatched_endpoint", "The line's url " + url
                        + " does not match the batch's endpoint " + endpoint + " (first such line)", "url", line));
            }
        });
        return errors;
    }

    private void scheduleOutputs(GatewayBatch batch) {
        Instant again = collectAgainAt.get(batch.id());
        if (again != null && clock.instant().isBefore(again)) {
            return;
        }
        if (queuedOutputs.add(batch.id())) {
            outputs.execute(() -> {
                try {
                    writeOutputs(batch);
                } catch (RuntimeException e) {
                    collectAgainAt.put(batch.id(), clock.instant().plus(COLLECT_AGAIN_AFTER));
                    outputProblems.put(batch.id(), "The output files could not be written yet: " + e.getMessage()
                            + "; this gateway tries again in " + COLLECT_AGAIN_AFTER.toMinutes() + " minutes.");
                    log.warn("Writing the output files of batch {} failed ({}); trying again in {} min", batch.id(), e.getMessage(),
                            COLLECT_AGAIN_AFTER.toMinutes());
                } finally {
                    queuedOutputs.remove(batch.id());
                }
            });
        }
    }

    private void writeOutputs(GatewayBatch seen) {
        Optional<BatchLocks.Held> lock = locks.tryLock(seen.id());
        if (lock.isEmpty()) {
            return; // another gateway is writing them
        }
        try (BatchLocks.Held held = lock.get()) {
            GatewayBatch batch = store.find(seen.owner(), seen.id()).orElse(null);
            if (batch == null || batch.outputsWritten()) {
                return;
            }
            BatchState state = states.get(batch.id()).filter(BatchState::ended).orElse(null);
            if (state != null) {
                writeOutputsLocked(batch, state);
            }
        }
    }

    private void writeOutputsLocked(GatewayBatch batch, BatchState state) {
        Path output = files.incoming();
        Path errors = files.incoming();
        try {
            Files.createFile(output);
            Files.createFile(errors);
            CollectSummary summary = new Collector(kafka).collect(batch.id(), new OutputFiles(output, errors), COLLECT_PATIENCE,
                    false, false, true);
            if (!summary.complete()) {
                throw new IllegalStateException("only " + (summary.succeeded() + summary.failed()) + " of " + summary.total()
                        + " outcomes could be read from " + kafka.topics().results() + " (are they past its retention?)");
            }
            long ended = clock.instant().getEpochSecond();
            long lifetime = batch.outputExpiresAfter() != null ? batch.outputExpiresAfter() : settings.fileRetention().toSeconds();
            String outputId = summary.succeeded() > 0 ? files.add("file-" + batch.id() + "-output", output, batch.owner(),
                    batch.id() + "_output.jsonl", "batch_output", ended + lifetime).id() : null;
            String errorId = summary.failed() > 0 ? files.add("file-" + batch.id() + "-errors", errors, batch.owner(),
                    batch.id() + "_error.jsonl", "batch_output", ended + lifetime).id() : null;
            store.save(batch.withOutputs(outputId == null ? "" : outputId, errorId == null ? "" : errorId));
            collectAgainAt.remove(batch.id());
            outputProblems.remove(batch.id());
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

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() throws InterruptedException {
        publishing.shutdownNow();
        outputs.shutdownNow();
        publishing.awaitTermination(5, TimeUnit.SECONDS);
        outputs.awaitTermination(5, TimeUnit.SECONDS);
    }
}
