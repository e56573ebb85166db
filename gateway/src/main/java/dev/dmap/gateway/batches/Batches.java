package dev.dmap.gateway.batches;

import dev.dmap.client.BatchIds;
import dev.dmap.gateway.files.StoredFile;
import dev.dmap.schemas.BatchState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API's controllers ask of batches: create (recorded, then published in the background by
 * the {@link BatchPublisher}), find, list, the tracker's state, cancel. Nothing here waits for
 * Kafka longer than a cancel's publish; the work lives in the publisher, the {@link OutputWriter}
 * and the {@link TakeoverSweeper}.
 */
public final class Batches {
    private static final Logger log = LoggerFactory.getLogger(Batches.class);
    private final BatchStore store;
    private final BatchStates states;
    private final BatchPublisher publisher;
    private final OutputWriter outputs;
    private final BatchClient client;
    private final Clock clock;

    public Batches(BatchStore store, BatchStates states, BatchPublisher publisher, OutputWriter outputs, BatchClient client,
            Clock clock) {
        this.store = store;
        this.states = states;
        this.publisher = publisher;
        this.outputs = outputs;
        this.client = client;
        this.clock = clock;
    }

    /**
     * Records a new batch as validating and publishes it in the background.
     *
     * @param maxPriority the highest priority its lines may have (its creator's key's grant)
     */
    public GatewayBatch create(String owner, StoredFile input, String endpoint, Duration window, Map<String, String> metadata,
            Long outputExpiresAfter, String windowText, int maxPriority) {
        long now = clock.instant().getEpochSecond();
        GatewayBatch batch = GatewayBatch.created(BatchIds.generate(clock), owner, endpoint, input.id(), windowText, metadata, now,
                now + window.toSeconds(), outputExpiresAfter, maxPriority);
        store.save(batch);
        log.info("Batch {} created by {} from {} ({} bytes) for {}", batch.id(), owner, input.id(), input.bytes(), endpoint);
        publisher.publishSoon(batch);
        return batch;
    }

    public Optional<GatewayBatch> find(String owner, String id) {
        return store.find(owner, id);
    }

    public List<GatewayBatch> list(String owner) {
        return store.list(owner);
    }

    /** Every owner's batches (the console's admin view). */
    public List<GatewayBatch> all() {
        return store.all();
    }

    /** A batch whoever owns it (the console's admin view). */
    public Optional<GatewayBatch> findAny(String id) {
        return store.read(id);
    }

    /**
     * The tracker's state of a published batch; waits a little for a starting gateway to read the
     * states published before it, else fails with {@link StatesUnavailable}.
     */
    public Optional<BatchState> state(GatewayBatch batch) {
        return batch.phase() == GatewayBatch.Phase.SUBMITTED ? states.get(batch.id()) : Optional.empty();
    }

    /** The tracker's state of a published batch as read so far, without waiting (a list answers with it). */
    public Optional<BatchState> stateSoFar(GatewayBatch batch) {
        return batch.phase() == GatewayBatch.Phase.SUBMITTED ? states.peek(batch.id()) : Optional.empty();
    }

    /** Why this gateway could not write the batch's output files yet (shown while it is finalizing), if it tried. */
    public Optional<String> outputProblem(String batchId) {
        return outputs.problem(batchId);
    }

    /** A failed batch's errors (records written before errors were kept apart hold them themselves). */
    public List<GatewayBatch.LineError> errors(GatewayBatch batch) {
        return !batch.errors().isEmpty() ? batch.errors() : batch.phase() == GatewayBatch.Phase.FAILED ? store.errors(batch.id())
                : List.of();
    }

    /**
     * Deletes an ended batch's record (OpenAI has no such call; its files stay until deleted or expired).
     *
     * @throws NotCancellable (as a 409) while the batch has not ended, or its output files are not stored yet
     */
    public void delete(GatewayBatch batch) {
        Optional<BatchState> state = state(batch);
        boolean ended = batch.phase() == GatewayBatch.Phase.FAILED || state.isPresent() && state.get().ended() && batch.outputsWritten();
        if (!ended) {
            throw new NotCancellable("Cannot delete a batch with status '" + OpenAiStatus.of(batch, state.orElse(null),
                    store.cancelRequested(batch.id())) + "': only an ended batch can be deleted.");
        }
        store.delete(batch.id());
        log.info("Batch {} deleted by its owner", batch.id());
    }

    /** Whether a cancel of the batch was asked for (it shows {@code cancelling} until it ends). */
    public boolean cancelRequested(GatewayBatch batch) {
        return store.cancelRequested(batch.id());
    }

    /**
     * Asks the workers to cancel the batch's remaining requests. A batch still being published is
     * marked, and its publisher sends the cancel once the requests are on Kafka (they end as
     * {@code batch_cancelled}): the call does not wait for it.
     *
     * @return the batch as it is now
     * @throws NotCancellable when the batch failed or has ended
     */
    public GatewayBatch cancel(GatewayBatch batch) {
        if (batch.phase() == GatewayBatch.Phase.FAILED) {
            throw new NotCancellable("Cannot cancel a batch with status 'failed'.");
        }
        Optional<BatchState> state = state(batch);
        if (state.isPresent() && state.get().ended()) {
            throw new NotCancellable("Cannot cancel a batch with status '" + OpenAiStatus.of(batch, state.get(), false) + "'.");
        }
        store.requestCancel(batch.id());
        // read after the mark: either this sees the batch published, or its publisher sees the mark
        GatewayBatch current = store.read(batch.id()).orElse(batch);
        if (current.phase() == GatewayBatch.Phase.SUBMITTED) {
            client.cancel(batch.id());
            log.info("Cancel requested for batch {}", batch.id());
        } else {
            log.info("Cancel requested for batch {} while it is being published: sent once it is", batch.id());
        }
        return current;
    }
}
