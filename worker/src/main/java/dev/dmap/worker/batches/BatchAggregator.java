package dev.dmap.worker.batches;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies batch commands and outcome deltas, keyed by batch id, to each batch's state
 * ({@link BatchStateMachine}), and forwards the new state to the batches topic and, once, the
 * completion event to the batch-events topic. A command or the batch's end is forwarded at once;
 * the many outcomes in between are aggregated: a changed batch is marked in a second store and
 * its state forwarded once per {@link #PUBLISH_INTERVAL}, so a 200,000-request batch writes a few
 * thousand states, not one per outcome. Both stores commit with the outputs (exactly-once), so a
 * crash loses no mark.
 */
final class BatchAggregator implements Processor<String, BatchAggregator.TrackerInput, String, BatchAggregator.TrackerOutput> {
    static final String STORE = "batch-states";
    /** Batches whose state changed since it was last forwarded. */
    static final String UNPUBLISHED_STORE = "batch-states-unpublished";
    static final Duration PUBLISH_INTERVAL = Duration.ofMillis(500);
    private static final byte[] MARK = new byte[0];
    private static final Logger log = LoggerFactory.getLogger(BatchAggregator.class);

    private ProcessorContext<String, TrackerOutput> context;
    private KeyValueStore<String, byte[]> states;
    private KeyValueStore<String, byte[]> unpublished;

    @Override
    public void init(ProcessorContext<String, TrackerOutput> context) {
        this.context = context;
        this.states = context.getStateStore(STORE);
        this.unpublished = context.getStateStore(UNPUBLISHED_STORE);
        context.schedule(PUBLISH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::publishChanged);
    }

    @Override
    public void process(Record<String, TrackerInput> record) {
        byte[] stored = states.get(record.key());
        BatchState current = stored == null ? null : MessageCodec.decode(stored, BatchState.class);
        TrackerInput input = record.value();
        BatchStateMachine.Step step = input.command() != null
                ? BatchStateMachine.apply(current, input.command())
                : BatchStateMachine.apply(current, input.delta());
        byte[] encoded = MessageCodec.encode(step.state());
        states.put(record.key(), encoded);
        if (input.command() == null && step.event().isEmpty()) {
            unpublished.put(record.key(), MARK); // forwarded with the next publication
            return;
        }
        byte[] event = step.event().map(ended -> {
            log.info("Batch {} ended: {} ({}), {}", ended.batchId(), ended.status(), ended.outcome(), ended.requestCounts());
            return MessageCodec.encode(ended);
        }).orElse(null);
        unpublished.delete(record.key());
        context.forward(record.withValue(new TrackerOutput(encoded, event)));
    }

    /** Forwards the state of every batch that changed since it was last forwarded. */
    private void publishChanged(long timestamp) {
        List<String> published = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> changed = unpublished.all()) {
            changed.forEachRemaining(entry -> {
                byte[] state = states.get(entry.key);
                if (state != null) {
                    context.forward(new Record<>(entry.key, new TrackerOutput(state, null), timestamp));
                }
                published.add(entry.key);
            });
        }
        published.forEach(unpublished::delete);
    }

    /**
     * One input of the aggregator: a command or a delta.
     *
     * @param command a batch command, or null
     * @param delta   an outcome delta, or null
     */
    record TrackerInput(BatchCommand command, OutcomeDelta delta) {
    }

    /**
     * What one input produces.
     *
     * @param state the batch's new state, encoded
     * @param event the completion event, encoded, when the batch just ended; else null
     */
    record TrackerOutput(byte[] state, byte[] event) {
    }
}
