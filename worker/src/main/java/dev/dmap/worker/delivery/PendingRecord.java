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
 */
public record PendingRecord(long seq, long epoch, ConsumerRecord<byte[], byte[]> record, Work work, Instant fetchedAt)
        implements Schedulable {

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
