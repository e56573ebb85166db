package dev.dmap.worker.delivery;

import dev.dmap.worker.pipeline.Work;
import dev.dmap.worker.scheduling.Schedulable;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A fetched request record on its way to a terminal record.
 *
 * @param seq       arrival order on this worker
 * @param epoch     the partition's assignment epoch when it was fetched; an outcome from an older
 *                  epoch belongs to a partition this worker gave away and is dropped
 * @param record    the record as read
 * @param work      the decoded request, or null when it did not decode
 * @param fetchedAt when it was fetched
 * @param deadline  when it must be served by ({@link dev.dmap.worker.scheduling.Deadlines})
 */
public record PendingRecord(long seq, long epoch, ConsumerRecord<byte[], byte[]> record, Work work, Instant fetchedAt,
        Instant deadline) implements Schedulable {

    /** A record that did not decode: it has no deadline to keep but the one of being published now. */
    public static PendingRecord undecoded(long seq, long epoch, ConsumerRecord<byte[], byte[]> record, Instant fetchedAt) {
        return new PendingRecord(seq, epoch, record, null, fetchedAt, fetchedAt);
    }

    @Override
    public int priority() {
        return work == null ? 0 : work.request().priority();
    }

    @Override
    public java.util.OptionalInt prefix() {
        return work == null ? java.util.OptionalInt.empty()
                : dev.dmap.schemas.PromptPrefix.of(work.request().url(), work.request().body());
    }

    @Override
    public String model() {
        return work == null ? null : work.request().model();
    }

    @Override
    public Instant waitingSince() {
        return work == null ? fetchedAt : work.waitingSince();
    }

    public TopicPartition partition() {
        return new TopicPartition(record.topic(), record.partition());
    }

    public long offset() {
        return record.offset();
    }

    /** For logs: {@code topic-partition@offset}. */
    public String where() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    @Override
    public String toString() {
        return "PendingRecord[" + where() + ", seq=" + seq + "]";
    }
}
