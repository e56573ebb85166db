package dev.dmap.worker.online;

import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.worker.pipeline.CallerReplies;
import dev.dmap.worker.pipeline.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the replies of online calls to their callers' reply topics with a plain producer, outside
 * the worker's transaction: streamed events leave at once when the first arrives (time to first
 * token), then in batches every {@link #FLUSH_EVERY}; the outcome leaves as soon as it is known.
 * Replies are as durable as results (every in-sync replica) and ride through a leader's failover;
 * one that cannot be delivered in two minutes costs the caller an answer, never the request its
 * terminal record. A reply that is not delivered is logged (at DEBUG when its caller is gone). Thread-safe.
 */
public final class KafkaCallerReplies implements CallerReplies, AutoCloseable {
    /** How long streamed events wait to travel together: small next to a token's time, large next to a send. */
    public static final Duration FLUSH_EVERY = Duration.ofMillis(20);
    private static final Logger log = LoggerFactory.getLogger(KafkaCallerReplies.class);

    private final Producer<byte[], byte[]> producer;
    private final Set<Batching> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dmap-replies"));

    /** The periodic flush, running only while a stream is open (an idle worker wakes for nothing). */
    private java.util.concurrent.ScheduledFuture<?> ticking;

    public KafkaCallerReplies(Producer<byte[], byte[]> producer) {
        this.producer = producer;
    }

    @Override
    public Stream open(String replyTo, String requestId, String attempt) {
        Batching stream = new Batching(replyTo, requestId, attempt);
        synchronized (this) {
            open.add(stream);
            if (ticking == null && !flusher.isShutdown()) { // once closed, a stream's events leave at its close
                ticking = flusher.scheduleWithFixedDelay(() -> open.forEach(Batching::flush), FLUSH_EVERY.toMillis(),
                        FLUSH_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        return stream;
    }

    @Override
    public void outcome(String replyTo, String requestId, Outcome outcome) {
        if (outcome instanceof Outcome.Succeeded succeeded) {
            send(replyTo, requestId, OnlineReplies.KIND_RESULT, MessageCodec.encode(succeeded.result()));
        } else if (outcome instanceof Outcome.Failed failed) {
            send(replyTo, requestId, OnlineReplies.KIND_DEAD_LETTER, MessageCodec.encode(failed.deadLetter()));
        }
    }

    private void send(String replyTo, String requestId, String kind, byte[] value) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(replyTo, OnlineReplies.utf8(requestId), value);
        record.headers().add(OnlineReplies.KIND, OnlineReplies.utf8(kind));
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    undelivered(requestId, replyTo, kind, error);
                }
            });
        } catch (RuntimeException e) {
            undelivered(requestId, replyTo, kind, e);
        }
    }

    /**
     * A reply that did not reach its topic. Its caller gone (the topic deleted with it) is the normal
     * end of a call nobody waits for any more; anything else costs a waiting caller its answer, and says so.
     */
    private static void undelivered(String requestId, String replyTo, String kind, Exception error) {
        boolean callerGone = error instanceof UnknownTopicOrPartitionException
                || error instanceof TimeoutException && String.valueOf(error.getMessage()).contains("not present in metadata");
        if (callerGone) {
            log.debug("A reply to {} on {} was not delivered (its caller is gone): {}", requestId, replyTo, error.toString());
        } else {
            log.warn("A reply ({}) to call {} on {} was not delivered: {}", kind, requestId, replyTo, error.toString());
        }
    }

    private synchronized void closed(Batching stream) {
        open.remove(stream);
        if (open.isEmpty() && ticking != null) {
            ticking.cancel(false);
            ticking = null;
        }
    }

    @Override
    public void close() {
        synchronized (this) { // never between open()'s check and its scheduling
            flusher.shutdownNow();
        }
        producer.close(Duration.ofSeconds(5));
    }

    /** One attempt's events: the first goes at once, the rest every {@link #FLUSH_EVERY} and at the end. */
    private final class Batching implements Stream {
        private final String replyTo;
        private final String requestId;
        private final String attempt;
        private final List<String> events = new ArrayList<>();
        private final List<String> types = new ArrayList<>();
        private long seq;

        Batching(String replyTo, String requestId, String attempt) {
            this.replyTo = replyTo;
            this.requestId = requestId;
            this.attempt = attempt;
        }

        @Override
        public synchronized void event(String type, String data) {
            events.add(data);
            types.add(type);
            if (seq == 0) {
                flush();
            }
        }

        synchronized void flush() {
            if (events.isEmpty()) {
                return;
            }
            byte[] value = new OnlineReplies.Chunks(attempt, seq++, List.copyOf(events), new ArrayList<>(types)).encode();
            events.clear();
            types.clear();
            send(replyTo, requestId, OnlineReplies.KIND_CHUNKS, value);
        }

        @Override
        public void close() {
            closed(this);
            flush();
        }
    }
}
