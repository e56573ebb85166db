package dev.dmap.worker.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once: a terminal record is sent, its offset finishes when the broker acknowledges it,
 * and finished offsets are committed every commit interval. A crash between an acknowledgement
 * and the next commit publishes those requests' outcomes again on restart; readers dedup by
 * request id ({@code dmap collect} does).
 */
public final class AtLeastOnceDelivery implements Delivery {
    private static final Logger log = LoggerFactory.getLogger(AtLeastOnceDelivery.class);

    private final Producer<byte[], byte[]> producer;
    private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private final Acknowledgements acknowledgements;
    private final Duration commitInterval;
    private final Clock clock;
    private final Map<TopicPartition, Integer> unacknowledged = new HashMap<>();
    private Instant lastCommit = Instant.EPOCH;

    public AtLeastOnceDelivery(Producer<byte[], byte[]> producer, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            Assignment assignment, Acknowledgements acknowledgements, Duration commitInterval, Clock clock) {
        this.producer = producer;
        this.consumer = consumer;
        this.assignment = assignment;
        this.acknowledgements = acknowledgements;
        this.commitInterval = commitInterval;
        this.clock = clock;
    }

    @Override
    public void send(PendingRecord pending, ProducerRecord<byte[], byte[]> record) {
        unacknowledged.merge(pending.partition(), 1, Integer::sum);
        producer.send(record, (metadata, error) -> {
            if (error == null) {
                acknowledgements.acknowledged(pending);
            } else {
                acknowledgements.failed(pending, record, error);
            }
        });
    }

    @Override
    public void skip(PendingRecord pending) {
        if (assignment.owns(pending)) {
            assignment.tracker(pending.partition()).finished(pending.offset());
        }
    }

    @Override
    public void sendBestEffort(ProducerRecord<byte[], byte[]> record) {
        producer.send(record);
    }

    @Override
    public void acknowledged(PendingRecord pending) {
        settle(pending);
        if (assignment.owns(pending)) {
            assignment.tracker(pending.partition()).finished(pending.offset());
        }
    }

    @Override
    public void failed(PendingRecord pending) {
        settle(pending);
    }

    @Override
    public int pendingIn(Collection<TopicPartition> partitions) {
        return partitions.stream().mapToInt(partition -> unacknowledged.getOrDefault(partition, 0)).sum();
    }

    @Override
    public void commit(boolean now) {
        if (!now && clock.instant().isBefore(lastCommit.plus(commitInterval))) {
            return;
        }
        lastCommit = clock.instant();
        Map<TopicPartition, OffsetAndMetadata> offsets = assignment.committable(assignment.partitions());
        if (offsets.isEmpty()) {
            return;
        }
        if (now) {
            producer.flush();
            try {
                consumer.commitSync(offsets);
            } catch (org.apache.kafka.common.KafkaException e) {
                log.warn("Committing offsets failed ({}); their records will be served again", e.toString());
                return;
            }
        } else {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    log.warn("Committing offsets failed: {}", error.toString());
                }
            });
        }
        assignment.committed(offsets);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    private void settle(PendingRecord pending) {
        unacknowledged.computeIfPresent(pending.partition(), (partition, count) -> count == 1 ? null : count - 1);
    }
}
