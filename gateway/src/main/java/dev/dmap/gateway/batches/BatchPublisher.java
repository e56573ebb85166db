package dev.dmap.gateway.batches;

import dev.dmap.client.BatchFile;
import dev.dmap.client.ClientException;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import dev.dmap.schemas.Limits;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a batch's input file with the client library's {@link BatchFile} and publishes it
 * through the {@link BatchClient} (one transaction, so a gateway killed midway published nothing and
 * the next attempt publishes it all). Runs under the batch's {@link BatchLocks lock}, on the record
 * read again under it, so no two gateways publish a batch at once and none overwrites newer state.
 * What Kafka refuses for good, an invalid file, or more models than a batch may name end the batch
 * {@code failed} with a message for the API user; a line naming a model the fleet does not serve ends as
 * a {@code model_not_found} dead letter, published with the batch, and no topic is created for it; what heals by waiting is tried again with {@link Backoff}. A cancel asked for while
 * the batch was validating is sent once it is published.
 */
public final class BatchPublisher {
    private static final Logger log = LoggerFactory.getLogger(BatchPublisher.class);
    /** At most this many invalid lines are listed (and the count of the rest). */
    static final int MAX_LINE_ERRORS = 1_000;
    private final BatchClient client;
    private final FileStore files;
    private final BatchStore store;
    private final BatchLocks locks;
    private final Scheduler scheduler;
    private final Backoff backoff;
    private final PublishRules rules;
    private final Clock clock;

    /** @param rules what an input file must keep to (lines, models) beyond the request schema */
    public BatchPublisher(BatchClient client, FileStore files, BatchStore store, BatchLocks locks, Scheduler scheduler,
            Backoff backoff, PublishRules rules, Clock clock) {
        this.client = client;
        this.files = files;
        this.store = store;
        this.locks = locks;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.rules = rules;
        this.clock = clock;
    }

    /** With {@link Backoff#PUBLISHING}. */
    public BatchPublisher(BatchClient client, FileStore files, BatchStore store, BatchLocks locks, Scheduler scheduler,
            PublishRules rules, Clock clock) {
        this(client, files, store, locks, scheduler, Backoff.PUBLISHING, rules, clock);
    }

    /** Publishes the batch on a background thread, now. */
    public void publishSoon(GatewayBatch batch) {
        schedule(batch, 0);
    }

    /** Publishes a batch whose gateway stopped publishing it (the sweep found it validating and unlocked). */
    public void takeOver(GatewayBatch batch) {
        publish(batch, 0, true);
    }

    private void schedule(GatewayBatch batch, int attempt) {
        scheduler.schedule(() -> publish(batch, attempt, false), backoff.before(attempt));
    }

    /**
     * Publishes the batch if it is still validating and no one else is publishing it.
     *
     * @param takeOver whether the sweep found it (its creator's publication is not running)
     */
    void publish(GatewayBatch seen, int attempt, boolean takeOver) {
        Optional<BatchLocks.Held> lock = locks.tryLock(seen.id());
        if (lock.isEmpty()) {
            return; // another gateway (or thread) is at it; if it dies, the sweep takes over
        }
        try (BatchLocks.Held held = lock.get()) {
            GatewayBatch batch = store.read(seen.id()).orElse(null);
            if (batch == null || batch.phase() != GatewayBatch.Phase.VALIDATING) {
                return;
            }
            if (takeOver) {
                log.info("Batch {} was not published yet and no gateway is publishing it: publishing it now", batch.id());
            }
            publishLocked(batch);
        } catch (ClientException e) {
            if (e.retryable()) {
                retry(seen, attempt, e);
            } else {
                fail(seen, "The batch could not be published: " + e.getMessage());
            }
        } catch (UncheckedIOException | FleetUnknown e) {
            retry(seen, attempt, e); // the directory may come back (a full disk, a network mount), a worker may start
        } catch (RuntimeException e) {
            log.error("Publishing batch {} failed unexpectedly; it ends failed", seen.id(), e);
            fail(seen, "The batch could not be published: the gateway failed unexpectedly (its log says why).");
        }
    }

    private void retry(GatewayBatch batch, int attempt, RuntimeException e) {
        log.warn("Publishing batch {} failed ({}); trying again in {} s (attempt {})", batch.id(), e.getMessage(),
                backoff.before(attempt + 1).toSeconds(), attempt + 2);
        schedule(batch, attempt + 1);
    }

    private void fail(GatewayBatch seen, String message) {
        store.read(seen.id()).filter(b -> b.phase() == GatewayBatch.Phase.VALIDATING).ifPresent(b -> store.save(
                b.failed(List.of(new GatewayBatch.LineError("invalid_request", message, null, null)), now())));
        log.warn("Batch {} cannot be published: {}", seen.id(), message);
    }

    private void publishLocked(GatewayBatch batch) {
        Optional<StoredFile> input = files.find(batch.owner(), batch.inputFileId());
        if (input.isEmpty()) {
            store.save(batch.failed(List.of(new GatewayBatch.LineError("file_not_found",
                    "The input file " + batch.inputFileId() + " was deleted or expired before the batch was published.",
                    "input_file_id", null)), now()));
            return;
        }
        BatchFile file = BatchFile.read(files.content(input.get()), Limits.DEFAULT_MAX_REQUEST_BYTES, rules.maxLines());
        List<GatewayBatch.LineError> errors = lineErrors(file, batch.endpoint());
        if (errors.isEmpty() && file.firstLineByModel().size() > rules.maxModels()) {
            errors = List.of(new GatewayBatch.LineError("too_many_models", "The batch names " + file.firstLineByModel().size()
                    + " models; a batch may name at most " + rules.maxModels() + ".", "body.model", null));
        }
        if (!errors.isEmpty()) {
            store.save(batch.failed(errors, now()));
            log.info("Batch {} failed validation: {} problems", batch.id(), file.problemCount());
            return;
        }
        long total = client.submit(file, batch.id(), Instant.ofEpochSecond(batch.expiresAt()), servedModels(), batch.maxPriority(),
                CacheMetadata.of(batch.metadata()));
        store.save(batch.submitted(total));
        log.info("Batch {} published: {} requests", batch.id(), total);
        if (store.cancelRequested(batch.id())) { // asked while it was validating: read after the record says submitted
            client.cancel(batch.id());
            log.info("Cancel requested for batch {} (asked while it was being published)", batch.id());
        }
    }

    /** The invalid lines as OpenAI lists them (the first {@link #MAX_LINE_ERRORS}, then how many more), and mismatched urls. */
    static List<GatewayBatch.LineError> lineErrors(BatchFile file, String endpoint) {
        List<GatewayBatch.LineError> errors = new ArrayList<>(file.problems().stream().limit(MAX_LINE_ERRORS).map(problem ->
                new GatewayBatch.LineError("invalid_request", problem.message(), problem.field().isEmpty() ? null : problem.field(),
                        problem.line())).toList());
        if (file.problemCount() > MAX_LINE_ERRORS) {
            errors.add(new GatewayBatch.LineError("invalid_request", (file.problemCount() - MAX_LINE_ERRORS)
                    + " more problems are not listed", null, null));
        }
        file.firstLineByUrl().forEach((url, line) -> {
            if (!url.equals(endpoint)) {
                errors.add(new GatewayBatch.LineError("mismatched_endpoint", "The line's url " + url
                        + " does not match the batch's endpoint " + endpoint + " (first such line)", "url", line));
            }
        });
        return errors;
    }

    /**
     * The models a batch may use: the operator's list, else those the fleet's live workers serve. A line
     * naming another ends as a {@code model_not_found} dead letter at submit, and no topic is created for it.
     *
     * @throws FleetUnknown when no list says which models are served (no live worker has reported)
     */
    private Set<String> servedModels() {
        return !rules.allowedModels().isEmpty() ? rules.allowedModels() : client.servedModels().orElseThrow(FleetUnknown::new);
    }

    /** No live worker has said which models it serves: the batch waits, validating, and is tried again. */
    static final class FleetUnknown extends RuntimeException {
        FleetUnknown() {
            super("no live worker has reported the models it serves yet", null, false, false);
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }
}
