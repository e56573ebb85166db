package dev.dmap.worker.kafka;

import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Result;
import dev.dmap.schemas.Source;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.Work;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop. One thread owns the {@link Consumer}: it polls without pause (so a
 * generation that takes minutes never costs the group membership), decodes what arrives, hands
 * requests to the {@link Dispatcher}, sends outcomes through the {@link Delivery}, pauses
 * partitions, and commits each partition up to its lowest unfinished offset. Everything other
 * threads report arrives as a {@link LoopEvent}.
 */
public final class PollLoop implements Runnable, Assignment.Handover, Delivery.Recovery {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);

    private final Consumer<byte[], byte[]> consumer;
    private final OutcomeRecords records;
    private final Dispatcher dispatcher;
    private final HealthProbe probe;
    private final WorkerMetrics metrics;
    private final RequestTracing tracing;
    private final RequestDecoder decoder;
    private final DeadLetters deadLetters;
    private final Topics topics;
    private final KafkaSettings settings;
    private final Clock clock;
    private final Assignment assignment;
    private final Delivery delivery;
    private final PartitionPauses pauses;
    private final QueueDepth depth;
    private final StatusReporter status;
    private final RebalanceNudge nudge;
    /** How long one attempt to read committed offsets may block the loop while Kafka is away. */
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(2);

    private final Queue<LoopEvent> events = new ConcurrentLinkedQueue<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile boolean backendDown;
    private volatile boolean fatal;
    private volatile String failure;
    private final LoopFailures failures = new LoopFailures();
    private volatile Instant lastPoll = Instant.EPOCH;
    private long seq;

    PollLoop(LoopParts parts) {
        this.consumer = parts.consumer();
        this.records = parts.records();
        this.probe = parts.probe();
        this.metrics = parts.metrics();
        this.tracing = parts.tracing();
        this.decoder = parts.decoder();
        this.deadLetters = parts.deadLetters();
        this.topics = parts.topics();
        this.settings = parts.settings();
        this.clock = parts.clock();
        this.dispatcher = parts.dispatcherFactory().apply(events::add);
        this.assignment = new Assignment(consumer, this);
        this.delivery = parts.delivery().create(assignment, events::add, this);
        this.pauses = new PartitionPauses(consumer, settings.maxBufferedPerPartition(), parts.prefetch(), assignment);
        this.depth = new QueueDepth(consumer, metrics);
        this.status = new StatusReporter(parts.identity(), clock);
        this.nudge = parts.nudge();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(topics.requestsPattern(), assignment);
            while (running) {
                try {
                    loopOnce();
                    failures.succeeded();
                } catch (KafkaException e) {
                    kafkaFailed(e);
                }
            }
            if (!fatal) {
                drain();
            }
        } catch (RuntimeException | Error e) {
            fatal("the consumer loop stopped on an unexpected error: " + e, e);
        } finally {
            try {
                close();
            } finally {
                stopped.countDown();
            }
        }
    }

    /**
     * A Kafka call failed inside the loop. Transient failures (the broker away, a rebalance
     * racing a commit) are survived: the owned partitions are served again from their commits and
     * the loop goes on. What cannot heal by waiting stops the worker loudly.
     */
    private void kafkaFailed(KafkaException e) {
        if (LoopFailures.isFatal(e)) {
            fatal("Kafka refuses this worker: " + e, e);
            return;
        }
        if (failures.failed(e)) {
            log.warn("A Kafka call failed ({}); serving the owned partitions again from their commits and going on",
                    e.toString());
        }
        rewind();
        LockSupport.parkNanos(settings.pollTimeout().toNanos());
    }

    /**
     * Best effort: the last status says why this worker stopped, so {@code dmap status} shows it.
     * Sent with a plain producer of its own: the transactional one may be the reason it stops.
     */
    private void reportStopped() {
        var last = status.stopped(assignment.partitions(), dispatcher, backendDown, depth::modelOf, failure);
        var record = records.status(last);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                ClientProperties.producer(settings, last.workerId() + "-last-status",
                        dev.dmap.schemas.Limits.DEFAULT_MAX_REQUEST_BYTES))) {
            producer.send(record).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Could not publish the stopped status: {}", e.toString());
        }
    }

    /** Stops the loop because it cannot go on: one ERROR line, and the process is told (see {@link #failure}). */
    @Override
    public void fatal(String why, Throwable cause) {
        if (!fatal) {
            log.error("The worker cannot go on and stops: {}", why, cause);
            failure = why;
        }
        fatal = true;
        running = false;
        dispatcher.halt(true);
    }

    /** Asks the loop to stop; {@link #awaitStopped} waits for it. */
    public void stop() {
        running = false;
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What health checks want to know, readable from any thread. */
    public LoopStatus status() {
        return new LoopStatus(running && stopped.getCount() > 0, backendDown, lastPoll, dispatcher.servingModels(),
                dispatcher.waiting(), dispatcher.totalInFlight(), failure);
    }

    /** Why the loop stopped on its own, or null while it runs or when it was asked to stop. */
    public String failure() {
        return failure;
    }

    private void loopOnce() {
        assignment.position(POSITION_TIMEOUT);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(settings.pollTimeout())) {
            intake(record);
        }
        lastPoll = clock.instant();
        handleEvents();
        Map<String, Long> lag = depth.lag(assignment.partitions());
        dispatcher.lag(lag);
        dispatcher.dispatch();
        pauses.apply(assignment.partitions(), dispatcher, backendDown, depth::modelOf);
        status.reportIfDue(assignment.partitions(), dispatcher, backendDown, depth::modelOf)
                .ifPresent(workerStatus -> delivery.sendBestEffort(records.status(workerStatus)));
        delivery.commit(false);
        depth.report(assignment);
        if (nudge != null && assignment.joined()) {
            boolean idle = lag.isEmpty() && dispatcher.waiting() == 0 && dispatcher.totalInFlight() == 0 && !backendDown;
            nudge.check(consumer, assignment.partitions(), idle);
        }
    }

    private void intake(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        OffsetTracker tracker = assignment.tracker(partition);
        if (tracker == null) {
            return; // not positioned (a rewind raced this poll): fetched again once it is
        }
        if (!tracker.fetched(record.offset())) {
            log.debug("Skipping {}: it has its terminal record already (a redelivery)", where(record));
            metrics.duplicateSkipped("redelivery");
            return;
        }
        long epoch = assignment.epoch(partition);
        Instant now = clock.instant();
        Source source = new Source(record.topic(), record.partition(), record.offset());
        Decoded decoded = decoder.decode(record.value());
        if (decoded instanceof Decoded.Invalid invalid) {
            DeadLetter deadLetter = deadLetters.forInvalid(record.value(), invalid.tree(), invalid.code(),
                    invalid.message(), source, now);
            publish(new PendingRecord(seq++, epoch, record, null, now), new Outcome.Failed(deadLetter), null,
                    TraceHeaders.from(record.headers()));
            return;
        }
        Decoded.Valid valid = (Decoded.Valid) decoded;
        Work work = new Work(valid.request(), valid.tree(), source, now, TraceHeaders.from(record.headers()));
        depth.learnModel(record.topic(), valid.request().model());
        dispatcher.enqueue(new PendingRecord(seq++, epoch, record, work, now));
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private void handleEvents() {
        for (LoopEvent event = events.poll(); event != null; event = events.poll()) {
            if (event instanceof LoopEvent.Processed processed) {
                processed(processed.pending(), processed.outcome(), processed.served(), processed.trace());
            } else if (event instanceof LoopEvent.Acknowledged acknowledged) {
                delivery.acknowledged(acknowledged.pending());
            } else if (event instanceof LoopEvent.PublishFailed failed) {
                publishAgain(failed);
            } else if (event instanceof LoopEvent.BackendUp) {
                backendUp();
            } else if (event instanceof LoopEvent.BackendChecked checked) {
                metrics.backendUp(checked.answers() && !backendDown); // this thread is the gauge's only writer
            }
        }
    }

    private void processed(PendingRecord pending, Outcome outcome, Duration served, Map<String, String> trace) {
        if (!assignment.owns(pending)) {
            log.debug("Dropping the outcome of {}: the partition was reassigned", pending.where());
            return;
        }
        if (outcome instanceof Outcome.Deferred deferred) {
            dispatcher.enqueue(pending);
            backendDown(deferred.reason());
            return;
        }
        if (outcome instanceof Outcome.Skipped skipped) {
            log.debug("Skipping {}: {}", pending.where(), skipped.reason());
            metrics.duplicateSkipped("batch_ended");
            delivery.skip(pending);
            return;
        }
        publish(pending, outcome, served, trace);
    }

    /**
     * Publishes a terminal record with the trace context {@code trace}; {@code served} is null for a
     * record that never reached a slot (undecodable).
     */
    private void publish(PendingRecord pending, Outcome outcome, Duration served, Map<String, String> trace) {
        if (outcome instanceof Outcome.Succeeded succeeded) {
            Result result = succeeded.result();
            tracing.inContextOf(trace, () -> metrics.requestFinished(result.model(), "success", served, endToEnd(pending)));
            delivery.send(pending, records.result(pending, result, trace));
        } else if (outcome instanceof Outcome.Failed failed) {
            DeadLetter deadLetter = failed.deadLetter();
            if (asked(deadLetter.error().code())) {
                log.debug("Request {} from {} ends as {}", deadLetter.requestId(), pending.where(), deadLetter.error().code());
            } else {
                log.error("Request {} from {} is a dead letter: {}: {}", deadLetter.requestId(), pending.where(),
                        deadLetter.error().code(), deadLetter.error().message());
            }
            if (served != null) {
                tracing.inContextOf(trace, () -> metrics.requestFinished(String.valueOf(deadLetter.model()),
                        deadLetter.error().code(), served, endToEnd(pending)));
            }
            metrics.deadLetter(deadLetter.model(), deadLetter.error().code());
            delivery.send(pending, records.deadLetter(pending, deadLetter, trace));
        } else {
            throw new IllegalStateException("a deferred outcome is not published: " + outcome);
        }
    }

    /** From the request's submission ({@code submitted_at}, else the record's timestamp) to now, or null. */
    private Duration endToEnd(PendingRecord pending) {
        Instant submitted = pending.work() == null ? null : pending.work().request().submittedAt();
        if (submitted == null && pending.record().timestamp() > 0) {
            submitted = Instant.ofEpochMilli(pending.record().timestamp());
        }
        return submitted == null ? null : Duration.between(submitted, clock.instant());
    }

    /** Dead letters the user asked for (a cancel, a deadline): one log line per batch, not per request. */
    private static boolean asked(String code) {
        return ErrorCode.BATCH_CANCELLED.code().equals(code) || ErrorCode.DEADLINE_EXCEEDED.code().equals(code);
    }

    private void publishAgain(LoopEvent.PublishFailed failed) {
        delivery.failed(failed.pending());
        if (assignment.owns(failed.pending())) {
            log.warn("Publishing the outcome of {} failed ({}); sending it again", failed.pending().where(),
                    failed.error().toString());
            delivery.send(failed.pending(), failed.record());
        }
    }

    /** Reports a periodic check of the backend (from any thread); an idle worker's gauge follows it. */
    public void backendChecked(boolean answers) {
        events.add(new LoopEvent.BackendChecked(answers));
    }

    private void backendDown(String reason) {
        if (!backendDown) {
            backendDown = true;
            metrics.backendUp(false);
            log.warn("Backend unusable ({}); pausing consumption and probing until it answers", reason);
            probe.awaitRecovery(() -> events.add(new LoopEvent.BackendUp()));
        }
    }

    private void backendUp() {
        backendDown = false;
        metrics.backendUp(true);
        dispatcher.halt(false);
        log.info("Resuming consumption");
    }

    /**
     * Hands revoked partitions over cleanly: waiting records are dropped, requests in flight are
     * finished and their outcomes made durable (up to the shutdown timeout), and the partitions'
     * offsets are committed, so the next owner neither repeats nor loses them.
     */
    @Override
    public void release(Collection<TopicPartition> partitions) {
        dispatcher.forget(partitions);
        awaitSettled(partitions, clock.instant().plus(settings.shutdownTimeout()));
        try {
            delivery.commit(true);
        } catch (KafkaException e) {
            log.warn("Could not commit {} on revocation: {}", partitions, e.toString());
        }
    }

    @Override
    public void lost(Collection<TopicPartition> partitions) {
        dispatcher.forget(partitions);
        delivery.abandon(partitions);
    }

    /** The transaction was aborted (or Kafka failed): every owned partition is served again from its commit. */
    @Override
    public void rewind() {
        Set<TopicPartition> owned = Set.copyOf(assignment.partitions());
        dispatcher.forget(owned);
        assignment.restart(owned);
    }

    private void awaitSettled(Collection<TopicPartition> partitions, Instant deadline) {
        while ((dispatcher.inFlightIn(partitions) > 0 || delivery.pendingIn(partitions) > 0)
                && clock.instant().isBefore(deadline)) {
            handleEvents();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        handleEvents();
    }

    /**
     * Graceful stop: start nothing new, keep polling (all partitions paused) so the group
     * membership holds, wait for in-flight requests up to the shutdown timeout, then make what
     * finished durable. Whatever did not finish is served again by the next owner.
     */
    private void drain() {
        dispatcher.halt(true);
        Instant deadline = clock.instant().plus(settings.shutdownTimeout());
        consumer.pause(consumer.assignment());
        while ((dispatcher.totalInFlight() > 0 || delivery.pendingIn(assignment.partitions()) > 0)
                && clock.instant().isBefore(deadline)) {
            consumer.poll(settings.pollTimeout());
            handleEvents();
        }
        try {
            delivery.commit(true);
        } catch (KafkaException e) {
            log.warn("Final commit failed: {}", e.toString());
        }
        if (dispatcher.totalInFlight() > 0) {
            log.warn("Stopped with {} requests still in flight; they will be served again", dispatcher.totalInFlight());
        }
    }

    private void close() {
        if (failure != null) {
            reportStopped();
        }
        try {
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(10)));
        } finally {
            delivery.close();
            if (nudge != null) {
                nudge.close();
            }
        }
    }
}
