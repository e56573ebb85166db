package dev.dmap.worker.batches;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies batch commands and outcome deltas, keyed by batch id, to each batch's state
 * ({@link BatchStateMachine}), and forwards the new state to the batches topic and, once, the
 * completion event to the batch-events topic.
 */
final class BatchAggregator implements Processor<String, BatchAggregator.TrackerInput, String, BatchAggregator.TrackerOutput> {
    static final String STORE = "batch-states";
    private static final Logger log = LoggerFactory.getLogger(BatchAggregator.class);

    private ProcessorContext<String, TrackerOutput> context;
    private KeyValueStore<String, byte[]> states;

    @Override
    public void init(ProcessorContext<String, TrackerOutput> context) {
        this.context = context;
        this.states = context.getStateStore(STORE);
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
        byte[] event = step.event().map(ended -> {
            log.info("Batch {} ended: {} ({}), {}", ended.batchId(), ended.status(), ended.outcome(), ended.requestCounts());
            return MessageCodec.encode(ended);
        }).orElse(null);
        context.forward(record.withValue(new TrackerOutput(encoded, event)));
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
