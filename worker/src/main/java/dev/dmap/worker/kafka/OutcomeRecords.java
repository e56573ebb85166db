package dev.dmap.worker.kafka;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.WorkerStatus;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The records a worker writes: results to {@code <prefix>.results} and dead letters to
 * {@code <prefix>.dead-letters}, keyed by request id, and its status to {@code <prefix>.workers}.
 */
final class OutcomeRecords {
    /** Carried from the request to its result, for tracing. */
    private static final String TRACEPARENT = "traceparent";

    private final Topics topics;
    private final String groupId;

    OutcomeRecords(Topics topics, String groupId) {
        this.topics = topics;
        this.groupId = groupId;
    }

    ProducerRecord<byte[], byte[]> result(PendingRecord pending, Result result) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.results(), key(result.requestId()),
                MessageCodec.encode(result));
        Header traceparent = pending.record().headers().lastHeader(TRACEPARENT);
        if (traceparent != null) {
            record.headers().add(traceparent);
        }
        return record;
    }

    ProducerRecord<byte[], byte[]> deadLetter(PendingRecord pending, DeadLetter deadLetter) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.deadLetters(), key(deadLetter.requestId()),
                MessageCodec.encode(deadLetter));
        DeadLetterHeaders.write(record.headers(), pending.record(), deadLetter, groupId);
        return record;
    }

    ProducerRecord<byte[], byte[]> status(WorkerStatus status) {
        return new ProducerRecord<>(topics.workers(), key(status.workerId()), MessageCodec.encode(status));
    }

    private static byte[] key(String requestId) {
        return requestId == null ? null : requestId.getBytes(StandardCharsets.UTF_8);
    }
}
