package dev.dmap.worker.delivery;

import dev.dmap.schemas.CacheEntry;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records a worker writes: results to {@code <prefix>.results} and dead letters to
 * {@code <prefix>.dead-letters}, keyed by request id, and its status to {@code <prefix>.workers}.
 */
public final class OutcomeRecords {
    private final Topics topics;
    private final String groupId;

    public OutcomeRecords(Topics topics, String groupId) {
        this.topics = topics;
        this.groupId = groupId;
    }

    /** A result, with the trace context {@code trace} ({@code traceparent}, {@code tracestate}) as headers. */
    public ProducerRecord<byte[], byte[]> result(Result result, Map<String, String> trace) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.results(), key(result.requestId()),
                MessageCodec.encode(result));
        traceHeaders(record, trace);
        return record;
    }

    /** A dead letter, with spring-kafka's {@code kafka_dlt-*} headers and the trace context. */
    public ProducerRecord<byte[], byte[]> deadLetter(PendingRecord pending, DeadLetter deadLetter, Map<String, String> trace) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.deadLetters(), key(deadLetter.requestId()),
                MessageCodec.encode(deadLetter));
        DeadLetterHeaders.write(record.headers(), pending.record(), deadLetter, groupId);
        traceHeaders(record, trace);
        return record;
    }

    private static void traceHeaders(ProducerRecord<byte[], byte[]> record, Map<String, String> trace) {
        trace.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** A response cache entry for the {@code <prefix>.cache} topic, keyed by its cache key. */
    public ProducerRecord<byte[], byte[]> cacheEntry(CacheEntry entry) {
        return new ProducerRecord<>(topics.cache(), key(entry.key()), MessageCodec.encode(entry));
    }

    public ProducerRecord<byte[], byte[]> status(WorkerStatus status) {
        return new ProducerRecord<>(topics.workers(), key(status.workerId()), MessageCodec.encode(status));
    }

    private static byte[] key(String requestId) {
        return requestId == null ? null : requestId.getBytes(StandardCharsets.UTF_8);
    }
}
