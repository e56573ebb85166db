package dev.dmap.gateway;

import dev.dmap.cli.BatchFile;
import dev.dmap.cli.BatchIds;
import dev.dmap.cli.CollectSummary;
import dev.dmap.cli.Collector;
import dev.dmap.cli.KafkaOptions;
import dev.dmap.cli.OutputFiles;
import dev.dmap.cli.Submitter;
import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches on dmap's own path: an input file is validated by the CLI's {@link BatchFile} and published
 * by its {@link Submitter} (one transaction, so a gateway killed midway published nothing and the next
 * start publishes it again); the status is the batch tracker's; the output and error files are what
 * {@link Collector} writes, stored once the batch has ended.
 */
public final class Batches implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Batches.class);
    private static final Duration RETRY = Duration.ofSeconds(10);
    private static final Duration COLLECT_PATIENCE = Duration.ofMinutes(10);
    private static final Duration PUBLISH_PATIENCE = Duration.ofSeconds(60);
    private final KafkaOptions kafka;
    private final FileStore files;
    private final BatchStore store;
    private final BatchStates states;
    private final GatewaySettings settings;
    private final Clock clock;
    private final ScheduledExecutorService work = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "gateway-batches");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> busy = ConcurrentHashMap.newKeySet();

    public Batches(KafkaOptions kafka, FileStore files, BatchStore store, BatchStates states, GatewaySettings settings, Clock clock) {
        this.kafka = kafka;
        this.files = files;
        this.store = store;
        this.states = states;
        this.settings = settings;
        this.clock = clock;
        store.all().stream().filter(batch -> GatewayBatch.VALIDATING.equals(batch.phase())).forEach(batch -> {
            log.info("Batch {} was not published before the gateway stopped: publishing it now", batch.id());
            schedulePublish(batch, Duration.ZERO);
        });
    }

    /** Records a new batch as validating and publishes it in the background. */
    public GatewayBatch create(String owner, StoredFile input, String endpoint, Duration window, Map<String, String> metadata,
            Long outputExpiresAfter, String windowText) {
        long now = clock.instant().getEpochSecond();
        GatewayBatch batch = new GatewayBatch(BatchIds.generate(clock), owner, endpoint, input.id(), windowText, metadata, now,
                now + window.toSeconds(), outputExpiresAfter, GatewayBatch.VALIDATING, List.of(), null, null, null);
        store.save(batch);
        log.info("Batch {} created by {} from {} ({} bytes) for {}", batch.id(), owner, input.id(), input.bytes(), endpoint);
        schedulePublish(batch, Duration.ZERO);
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
        if (!GatewayBatch.SUBMITTED.equals(batch.phase())) {
            return Optional.empty();
        }
        Optional<BatchState> state = states.get(batch.id());
        state.filter(BatchState::ended).filter(s -> !batch.outputsWritten()).ifPresent(s -> scheduleOutputs(batch, s));
        return state;
    }

    /**
     * Asks the workers to cancel the batch's remaining requests. A batch still being published is
     * cancelled once its requests are on Kafka (they end as {@code batch_cancelled}).
     */
    public void cancel(GatewayBatch batch) {
        GatewayBatch current = awaitPublished(batch);
        if (GatewayBatch.FAILED.equals(current.phase())) {
            throw ApiError.conflict("Cannot cancel a batch with status 'failed'.");
        }
        Optional<BatchState> state = states.get(batch.id());
        if (state.isPresent() && state.get().ended()) {
            throw ApiError.conflict("Cannot cancel a batch with status '" + state.get().status() + "'.");
        }
        new Submitter(kafka, clock).command(BatchCommand.cancel(batch.id(), clock.instant()));
        log.info("Cancel requested for batch {}", batch.id());
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

    private void schedulePublish(GatewayBatch batch, Duration delay) {
        work.schedule(() -> publish(batch), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void publish(GatewayBatch batch) {
        Optional<StoredFile> input = files.find(batch.owner(), batch.inputFileId());
        if (input.isEmpty()) {
            store.save(batch.failed(List.of(new GatewayBatch.LineError("file_not_found",
                    "The input file " + batch.inputFileId() + " was deleted or expired before the batch was published.",
                    "input_file_id", null)), clock.instant().getEpochSecond()));
            return;
        }
        try {
            BatchFile file = BatchFile.read(files.content(input.get()));
            List<GatewayBatch.LineError> errors = new java.util.ArrayList<>(file.problems().stream().map(problem ->
                    new GatewayBatch.LineError("invalid_request", problem.message(), problem.field().isEmpty() ? null : problem.field(),
                            problem.line())).toList());
            file.firstLineByUrl().forEach((url, line) -> {
                if (!url.equals(batch.endpoint())) {
                    errors.add(new GatewayBatch.LineError("mismatched_endpoint", "The line's url " + url
                            + " does not match the batch's endpoint " + batch.endpoint() + " (first such line)", "url", line));
                }
            });
            if (!errors.isEmpty()) {
                store.save(batch.failed(errors, clock.instant().getEpochSecond()));
                log.info("Batch {} failed validation: {} invalid lines", batch.id(), errors.size());
                return;
            }
            new Submitter(kafka, clock).submit(file, batch.id(), Instant.ofEpochSecond(batch.expiresAt()), null, false);
            store.save(batch.submitted());
            log.info("Batch {} published: {} requests", batch.id(), file.total());
        } catch (RuntimeException e) {
            log.warn("Publishing batch {} failed ({}); trying again in {} s", batch.id(), e.getMessage(), RETRY.toSeconds());
            schedulePublish(batch, RETRY);
        }
    }

    private void scheduleOutputs(GatewayBatch batch, BatchState state) {
        if (busy.add(batch.id())) {
            work.execute(() -> {
                try {
                    writeOutputs(batch, state);
                } catch (RuntimeException e) {
                    log.warn("Writing the output files of batch {} failed ({}); the next look at it tries again", batch.id(),
                            e.getMessage());
                } finally {
                    busy.remove(batch.id());
                }
            });
        }
    }

    private void writeOutputs(GatewayBatch batch, BatchState state) {
        Path output = files.incoming();
        Path errors = files.incoming();
        try {
            Files.createFile(output);
            Files.createFile(errors);
            CollectSummary summary = new Collector(kafka).collect(batch.id(), new OutputFiles(output, errors), COLLECT_PATIENCE,
                    false, false, true);
            if (!summary.complete()) {
                throw new IllegalStateException("only " + (summary.succeeded() + summary.failed()) + " of " + summary.total()
                        + " outcomes could be read");
            }
            long ended = clock.instant().getEpochSecond();
            long lifetime = batch.outputExpiresAfter() != null ? batch.outputExpiresAfter() : settings.fileRetention().toSeconds();
            String outputId = summary.succeeded() > 0 ? files.add("file-" + batch.id() + "-output", output, batch.owner(),
                    batch.id() + "_output.jsonl", "batch_output", ended + lifetime).id() : null;
            String errorId = summary.failed() > 0 ? files.add("file-" + batch.id() + "-errors", errors, batch.owner(),
                    batch.id() + "_error.jsonl", "batch_output", ended + lifetime).id() : null;
            store.save(store.find(batch.owner(), batch.id()).orElse(batch).withOutputs(
                    outputId == null ? "" : outputId, errorId == null ? "" : errorId));
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

    @Override
    public void close() {
        work.shutdownNow();
    }
}
