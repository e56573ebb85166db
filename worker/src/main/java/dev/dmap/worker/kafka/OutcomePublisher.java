package dev.dmap.worker.kafka;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.WorkerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Writes terminal records: results to {@code <prefix>.results}, dead letters to
 * {@code <prefix>.dead-letters}, keyed by request id, asynchronously; the callback tells the poll
 * loop when the broker has them, and only then is the offset finished.
 */
final class OutcomePublisher implements AutoCloseable {
    /** Headers carried from the request to its result, for tracing. */
    private static final String TRACEPARENT = "traceparent";

    private final Producer<byte[], byte[]> producer;
    private final Topics topics;
    private final String groupId;

    OutcomePublisher(Producer<byte[], byte[]> producer, Topics topics, String groupId) {
        this.producer = producer;
        this.topics = topics;
        this.groupId = groupId;
    }

    void publish(PendingRecord pending, Result result, Callback acknowledged) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.results(), key(result.requestId()),
                MessageCodec.encode(result));
        Header traceparent = pending.record().headers().lastHeader(TRACEPARENT);
        if (traceparent != null) {
            record.headers().add(traceparent);
        }
        producer.send(record, acknowledged);
    }

    void publish(PendingRecord pending, DeadLetter deadLetter, Callback acknowledged) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.deadLetters(), key(deadLetter.requestId()),
                MessageCodec.encode(deadLetter));
        DeadLetterHeaders.write(record.headers(), pending.record(), deadLetter, groupId);
        producer.send(record, acknowledged);
    }

    /** The worker's status, keyed by worker id on the compacted workers topic; fire and forget. */
    void publish(WorkerStatus status) {
        producer.send(new ProducerRecord<>(topics.workers(), key(status.workerId()), MessageCodec.encode(status)));
    }

    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private static byte[] key(String requestId) {
        return requestId == null ? null : requestId.getBytes(StandardCharsets.UTF_8);
    }
}
