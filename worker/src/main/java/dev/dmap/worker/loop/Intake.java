package dev.dmap.worker.loop;

import dev.dmap.worker.cache.ResponseCache;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Source;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.OffsetTracker;
import dev.dmap.worker.delivery.PendingRecord;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.Work;
import dev.dmap.worker.scheduling.Deadlines;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in each fetched record on the poll thread: a record that already has its terminal record
 * (a redelivery) is skipped and counted, one that does not decode is published as a dead letter at
 * once, and a request goes to the {@link Dispatcher}.
 */
final class Intake {
    private static final Logger log = LoggerFactory.getLogger(Intake.class);

    /**
     * How a record's value is read: the decoder, the dead letters for what it refuses, the clock
     * for their times, the deadline each request gets, and the topic names (which reply topics are real).
     */
    record Decoding(RequestDecoder decoder, DeadLetters deadLetters, Clock clock, Deadlines deadlines, Topics topics) {
    }

    private final Assignment assignment;
    private final Decoding decoding;
    private final Dispatcher dispatcher;
    private final OutcomePublisher publisher;
    private final QueueDepth depth;
    private final WorkerMetrics metrics;
    private final CacheHits hits;
    private long seq;

    Intake(Assignment assignment, Decoding decoding, Dispatcher dispatcher, OutcomePublisher publisher, QueueDepth depth,
            WorkerMetrics metrics, CacheHits hits) {
        this.hits = hits;
        this.assignment = assignment;
        this.decoding = decoding;
        this.dispatcher = dispatcher;
        this.publisher = publisher;
        this.depth = depth;
        this.metrics = metrics;
    }

    /**
     * The reply topic a record names, if it is a reply topic under this worker's prefix: a producer
     * that may write requests must not make the worker write elsewhere (on the results topic, say).
     */
    private String replyTopic(ConsumerRecord<byte[], byte[]> record) {
        String named = OnlineReplies.replyTopic(record.headers());
        if (named == null || decoding.topics().isReplyTopic(named)) {
            return named;
        }
        log.warn("Ignoring the reply topic a request on {} names: it is not a reply topic; the request is served, "
                + "its outcome written as for any other", record.topic());
        return null;
    }

    void take(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        OffsetTracker tracker = assignment.tracker(partition);
        if (tracker == null) {
            return; // not positioned (a rewind raced this poll): fetched again once it is
        }
        if (!tracker.fetched(record.offset())) {
            log.debug("Skipping {}-{}@{}: it has its terminal record already (a redelivery)", record.topic(),
                    record.partition(), record.offset());
            metrics.duplicateSkipped("redelivery");
            return;
        }
        long epoch = assignment.epoch(partition);
        Instant now = decoding.clock().instant();
        Source source = new Source(record.topic(), record.partition(), record.offset());
        Decoded decoded = decoding.decoder().decode(record.value());
        if (decoded instanceof Decoded.Invalid invalid) {
            DeadLetter deadLetter = decoding.deadLetters().forInvalid(record.value(), invalid.tree(), invalid.code(),
                    invalid.message(), source, now);
            publisher.publish(PendingRecord.undecoded(seq++, epoch, record, now), new Outcome.Failed(deadLetter), null,
                    TraceHeaders.from(record.headers()));
            return;
        }
        Decoded.Valid valid = (Decoded.Valid) decoded;
        long lookupStarted = System.nanoTime();
        ResponseCache.Plan plan = hits.cache().plan(valid.request());
        Work work = new Work(valid.request(), valid.tree(), source, Work.waitingSince(valid.request(), record.timestamp(), now),
                TraceHeaders.from(record.headers()), replyTopic(record), plan.key());
        depth.learnModel(record.topic(), valid.request().model());
        Instant deadline = decoding.deadlines().of(work.request().deadline(), work.request().batchId() != null,
                work.waitingSince());
        PendingRecord pending = new PendingRecord(seq++, epoch, record, work, now, deadline);
        // a stored answer costs no slot, no load and no wait for the model's turn
        Outcome hit = plan.reads() ? hits.answer(pending) : null;
        if (plan.key() != null) {
            hits.cache().metrics().lookup(System.nanoTime() - lookupStarted);
        }
        if (hit != null) {
            publisher.publish(pending, hit, null, work.headers());
        } else {
            dispatcher.enqueue(pending);
        }
    }
}
