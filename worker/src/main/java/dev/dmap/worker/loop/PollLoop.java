package dev.dmap.worker.loop;

import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.Delivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer loop. One thread owns the {@link Consumer}: it polls without pause (so a
 * generation that takes minutes never costs the group membership), hands each fetched record to
 * the {@link Intake}, handles what other threads reported ({@link LoopEvents}), lets the
 * {@link Dispatcher} fill the slots, pauses partitions, reports status and commits through the
 * {@link Delivery}. A Kafka failure is survived by serving the owned partitions again from their
 * commits; one that waiting cannot heal stops the loop loudly ({@link LoopControl}).
 */
public final class PollLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    /** How long one attempt to read committed offsets may block the loop while Kafka is away. */
    static final Duration POSITION_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How long one poll may wait while the worker is quiet (an idle worker should cost next to no
     * CPU): a record ends the wait at once, nothing else can arrive while nothing is in flight, and
     * new partitions are positioned and fetched within the poll that assigns them
     * ({@link PartitionHandover#onPartitionsAssigned}). It bounds how long a stop waits for the loop.
     */
    static final Duration QUIET_POLL = Duration.ofMillis(200);

    private final LoopControl control;
    private final LoopParts.Fetching fetching;
    private final LoopParts.Serving serving;
    private final LoopParts.Reporting reporting;
    private final KafkaSettings settings;
    private final Clock clock;
    private final Consumer<byte[], byte[]> consumer;
    private final Assignment assignment;
    private final Dispatcher dispatcher;
    private final Delivery delivery;
    private final LoopFailures failures = new LoopFailures();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Instant lastPoll = Instant.EPOCH;
    /** Nothing fetched, waiting, in flight or unsent at the end of the last round, the backend up. */
    private boolean quiet;

    PollLoop(LoopControl control, LoopParts.Fetching fetching, LoopParts.Serving serving, LoopParts.Reporting reporting,
            KafkaSettings settings, Clock clock) {
        this.control = control;
        this.fetching = fetching;
        this.serving = serving;
        this.reporting = reporting;
        this.settings = settings;
        this.clock = clock;
        this.consumer = fetching.consumer();
        this.assignment = fetching.assignment();
        this.dispatcher = serving.dispatcher();
        this.delivery = serving.delivery();
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(fetching.subscription(), fetching.handover());
            while (control.running()) {
                try {
                    loopOnce();
                    failures.succeeded();
                } catch (KafkaException e) {
                    kafkaFailed(e);
                }
            }
            if (control.failure() == null) {
                drain();
            }
        } catch (RuntimeException | Error e) {
            control.fatal("the consumer loop stopped on an unexpected error: " + e, e);
        } finally {
            try {
                close();
            } finally {
                stopped.countDown();
            }
        }
    }

    private void loopOnce() {
        assignment.position(POSITION_TIMEOUT);
        Duration timeout = quiet && QUIET_POLL.compareTo(settings.pollTimeout()) > 0 ? QUIET_POLL : settings.pollTimeout();
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        lastPoll = clock.instant();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            fetching.intake().take(record);
        }
        serving.events().handle();
        Map<String, Long> lag = reporting.depth().lag(assignment.partitions());
        dispatcher.lag(lag);
        dispatcher.dispatch();
        boolean backendPaused = serving.backend().paused();
        fetching.pauses().apply(assignment.partitions(), dispatcher, backendPaused, reporting.depth()::modelOf);
        reporting.status().reportIfDue(assignment.partitions(), dispatcher, backendPaused, reporting.depth()::modelOf)
                .ifPresent(status -> delivery.sendBestEffort(reporting.records().status(status)));
        delivery.commit(false);
        reporting.depth().report(assignment);
        boolean idle = lag.isEmpty() && dispatcher.waiting() == 0 && dispatcher.totalInFlight() == 0 && !backendPaused;
        if (reporting.nudge() != null && assignment.joined()) {
            reporting.nudge().check(consumer, assignment.partitions(), idle);
        }
        quiet = idle && delivery.pendingIn(assignment.partitions()) == 0 && !serving.events().pending()
                && assignment.unpositioned().isEmpty();
    }

    /**
     * A Kafka call failed inside the loop. Transient failures (the broker away, a rebalance
     * racing a commit) are survived: the owned partitions are served again from their commits and
     * the loop goes on. What cannot heal by waiting stops the worker loudly.
     */
    private void kafkaFailed(KafkaException e) {
        if (LoopFailures.isFatal(e)) {
            control.fatal("Kafka refuses this worker: " + e, e);
            return;
        }
        if (failures.failed(e)) {
            log.warn("A Kafka call failed ({}); serving the owned partitions again from their commits and going on",
                    e.toString());
        }
        control.rewind();
        LockSupport.parkNanos(settings.pollTimeout().toNanos());
    }

    /** Asks the loop to stop; {@link #awaitStopped} waits for it. */
    public void stop() {
        control.stop();
    }

    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What health checks want to know, readable from any thread. */
    public LoopStatus status() {
        return new LoopStatus(control.running() && stopped.getCount() > 0, serving.backend().paused(), lastPoll,
                dispatcher.servingModels(), dispatcher.waiting(), dispatcher.totalInFlight(), control.failure());
    }

    /** Why the loop stopped on its own, or null while it runs or when it was asked to stop. */
    public String failure() {
        return control.failure();
    }

    /**
     * Graceful stop: start nothing new, keep polling (all partitions paused) so the group
     * membership holds, wait for in-flight requests up to the shutdown timeout, then make what
     * finished durable. Whatever did not finish is served again by the next owner.
     */
    private void drain() {
        dispatcher.stop();
        Instant deadline = clock.instant().plus(settings.shutdownTimeout());
        consumer.pause(consumer.assignment());
        while ((dispatcher.totalInFlight() > 0 || delivery.pendingIn(assignment.partitions()) > 0)
                && clock.instant().isBefore(deadline)) {
            consumer.poll(settings.pollTimeout());
            serving.events().handle();
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
        String failure = control.failure();
        if (failure != null) {
            var last = reporting.status().stopped(assignment.partitions(), dispatcher, serving.backend().paused(),
                    reporting.depth()::modelOf, failure);
            StatusReporter.sendLast(settings, reporting.records().status(last), last.workerId());
        }
        try {
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(Duration.ofSeconds(10)));
        } finally {
            delivery.close();
            if (reporting.nudge() != null) {
                reporting.nudge().close();
            }
        }
    }
}
