package dev.dmap.worker.cache;

import dev.dmap.schemas.DaemonThreads;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Keeps a worker's {@link ResponseStore} up to date with the {@code <prefix>.cache} topic, on its
 * own thread: reads every partition ({@code read_committed}, so an aborted transaction's entry is
 * never served), keeps the entries of the models this worker serves, applies purges (tombstones),
 * and sweeps out what is older than the time to live or beyond the size bound. If its store
 * cannot be written, it stops and says why: the worker then stops too, never serving half a cache.
 */
final class CacheFollower implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CacheFollower.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    /** What the follower keeps and for how long. */
    record Keeping(Predicate<String> servedModel, Duration ttl, long maxBytes) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final ResponseStore store;
    private final Keeping keeping;
    private final Consumer<String> changed;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String failure;

    /**
     * @param changed told the key of every entry stored or purged, after it is
     */
    CacheFollower(KafkaConsumer<byte[], byte[]> consumer, String topic, ResponseStore store, Keeping keeping,
            Consumer<String> changed, Clock clock) {
        this.consumer = consumer;
        this.topic = topic;
        this.store = store;
        this.keeping = keeping;
        this.changed = changed;
        this.clock = clock;
        this.thread = DaemonThreads.numbered("dmap-cache-").newThread(this);
    }

    void start() {
        thread.start();
    }

    /** Why it stopped on its own, or null while it follows. */
    String failure() {
        return failure;
    }

    @Override
    public void run() {
        Instant nextSweep = clock.instant();
        try {
            assignAll();
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    take(record);
                }
                if (!clock.instant().isBefore(nextSweep)) {
                    sweep();
                    refreshAssignment();
                    nextSweep = clock.instant().plus(SWEEP_EVERY);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                failure = "the response cache's reader was woken unexpectedly";
            }
        } catch (RuntimeException e) {
            failure = "the response cache's reader stopped: " + e.getMessage();
            log.error("The response cache's reader stopped; the worker stops with it", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /**
     * Picks up partitions added to the topic since. A broker that cannot answer now (an outage) is no
     * reason to stop: the reader keeps what it has and asks again at the next sweep.
     */
    private void refreshAssignment() {
        try {
            assignAll();
        } catch (RetriableException e) {
            log.debug("Cannot list {}'s partitions now ({}); asking again in {}", topic, e.getMessage(), SWEEP_EVERY);
        }
    }

    /** Reads every partition of the topic, each from where the store left it (new ones from the beginning). */
    private void assignAll() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        if (partitions.isEmpty() || consumer.assignment().containsAll(partitions)) {
            return;
        }
        consumer.assign(partitions);
        Map<Integer, Long> positions = store.positions();
        for (TopicPartition partition : partitions) {
            Long next = positions.get(partition.partition());
            if (next == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, next);
            }
        }
        log.info("Reading the response cache from {} ({} entries stored here)", topic, store.entries());
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            store.skip(record.partition(), record.offset() + 1);
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            store.apply(key, null, null, record.partition(), record.offset() + 1);
            changed.accept(key);
            return;
        }
        JsonNode entry = parse(record.value());
        String model = entry == null ? null : entry.path("model").asString(null);
        Instant createdAt = entry == null ? null : parseInstant(entry.path("created_at").asString(null));
        if (model == null || createdAt == null || !keeping.servedModel().test(model)) {
            store.skip(record.partition(), record.offset() + 1);
            return;
        }
        store.apply(key, record.value(), createdAt, record.partition(), record.offset() + 1);
        changed.accept(key);
    }

    private void sweep() {
        int removed = store.sweep(clock.instant().minus(keeping.ttl()), keeping.maxBytes());
        if (removed > 0) {
            log.info("Swept {} response cache entries (older than {} or beyond {} bytes); {} remain", removed,
                    keeping.ttl(), keeping.maxBytes(), store.entries());
        }
    }

    private static JsonNode parse(byte[] value) {
        try {
            return dev.dmap.schemas.MessageCodec.mapper().readTree(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Instant parseInstant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
