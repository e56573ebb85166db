package dev.dmap.worker.batches;

import dev.dmap.schemas.Usage;

import dev.dmap.schemas.MessageCodec;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Turns results and dead letters (keyed by request id) into batch deltas (keyed by batch id),
 * remembering each request's last outcome, so a duplicate (at-least-once delivery) counts
 * nothing and a replay that succeeds moves a request from failed to completed. Outcomes are
 * remembered for {@code retention}, then forgotten.
 */
final class OutcomeDeduplicator implements Processor<String, byte[], String, OutcomeDelta> {
    static final String STORE = "request-outcomes";
    private static final Duration SWEEP = Duration.ofMinutes(10);

    private final Duration retention;
    private ProcessorContext<String, OutcomeDelta> context;
    private KeyValueStore<String, String> seen;

    OutcomeDeduplicator(Duration retention) {
        this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<String, OutcomeDelta> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
        context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, this::forgetOld);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        JsonNode outcome = parse(record.value());
        if (record.key() == null || outcome == null || !outcome.path("batch_id").isString()) {
            return;
        }
        boolean failed = outcome.hasNonNull("error");
        String to = failed ? OutcomeDelta.FAILED : OutcomeDelta.COMPLETED;
        String toCode = failed ? outcome.path("error").path("code").asString(null) : null;
        String previous = seen.get(record.key());
        String[] before = previous == null ? new String[] {null, null} : previous.split("\\|", -1);
        if (to.equals(before[0]) && (toCode == null || toCode.equals(before[1]))) {
            return;
        }
        seen.put(record.key(), to + "|" + (toCode == null ? "" : toCode) + "|" + record.timestamp());
        Usage usage = failed ? Usage.ZERO : Usage.of(outcome.at("/response/body/usage"));
        Instant at = Instant.ofEpochMilli(record.timestamp());
        context.forward(record.withKey(outcome.path("batch_id").asString()).withValue(new OutcomeDelta(
                outcome.path("batch_id").asString(), outcome.path("model").asString("unknown"), before[0],
                before[1] == null || before[1].isEmpty() ? null : before[1], to, toCode,
                usage.promptTokens(), usage.completionTokens(), at, !failed && outcome.path("cache").path("hit").asBoolean(false))));
    }

    private void forgetOld(long now) {
        long cutoff = now - retention.toMillis();
        try (KeyValueIterator<String, String> all = seen.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                String[] parts = entry.value.split("\\|", -1);
                if (parts.length == 3 && Long.parseLong(parts[2]) < cutoff) {
                    seen.delete(entry.key);
                }
            }
        }
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : MessageCodec.mapper().readTree(value);
        } catch (JacksonException e) {
            return null;
        }
    }
}
