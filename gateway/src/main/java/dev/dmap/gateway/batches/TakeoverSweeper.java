package dev.dmap.gateway.batches;

import dev.dmap.schemas.BatchState;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes over what no gateway is doing, for all the gateways over one directory: a batch still
 * validating a while after its creation (its gateway died, or died between publishing and recording
 * it) is published, and an ended batch whose outputs are not stored has them written. Run at start
 * with no minimum age (this gateway's own earlier life), then every {@link #EVERY} by the wiring.
 */
public final class TakeoverSweeper implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TakeoverSweeper.class);
    /** How often the wiring runs the sweep. */
    public static final Duration EVERY = Duration.ofSeconds(30);
    /** A batch validating for longer than this, and unlocked, has lost its gateway: whoever sweeps publishes it. */
    static final Duration ABANDONED = Duration.ofSeconds(60);
    private final BatchStore store;
    private final BatchStates states;
    private final BatchPublisher publisher;
    private final OutputWriter outputs;
    private final Clock clock;
    private volatile boolean first = true;

    public TakeoverSweeper(BatchStore store, BatchStates states, BatchPublisher publisher, OutputWriter outputs, Clock clock) {
        this.store = store;
        this.states = states;
        this.publisher = publisher;
        this.outputs = outputs;
        this.clock = clock;
    }

    /**
     * One sweep; a failure is logged and the next sweep tries again (a scheduled task that throws is
     * never run again; the wiring also runs it {@link Guarded}).
     */
    @Override
    public void run() {
        Duration minAge = first ? Duration.ZERO : ABANDONED;
        first = false;
        try {
            sweep(minAge);
        } catch (RuntimeException e) {
            log.warn("Sweeping the batch records failed ({}); the next sweep tries again", e.toString());
        }
    }

    private void sweep(Duration minAge) {
        long before = clock.instant().minus(minAge).getEpochSecond();
        for (GatewayBatch batch : store.all()) {
            if (batch.phase() == GatewayBatch.Phase.VALIDATING && batch.createdAt() <= before) {
                publisher.takeOver(batch);
            } else if (batch.phase() == GatewayBatch.Phase.SUBMITTED && !batch.outputsWritten()) {
                states.peek(batch.id()).filter(BatchState::ended).ifPresent(ended -> outputs.schedule(batch.id()));
            }
        }
    }
}
