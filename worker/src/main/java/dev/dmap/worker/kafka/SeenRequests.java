package dev.dmap.worker.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The request ids (with their attempt) this worker has taken from each partition since it was
 * assigned: a record with an id seen before is a duplicate whose original is in flight or already
 * has its terminal record, and is skipped. A request's key is its id, so both copies land in the
 * same partition and reach the same owner. Bounded per partition (the oldest ids are forgotten);
 * a partition's ids are forgotten when it is released or rewound, since its unfinished requests
 * will be fetched again.
 */
final class SeenRequests {
    static final int PER_PARTITION = 10_000;

    private final Map<TopicPartition, Map<String, Boolean>> seen = new HashMap<>();
    private final int perPartition;

    SeenRequests() {
        this(PER_PARTITION);
    }

    SeenRequests(int perPartition) {
        this.perPartition = perPartition;
    }

    /** Records the request; false when it was seen before (a duplicate). */
    boolean firstTime(TopicPartition partition, String requestId, int attempt) {
        return seen.computeIfAbsent(partition, p -> lru()).putIfAbsent(requestId + "#" + attempt, Boolean.TRUE) == null;
    }

    void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(seen::remove);
    }

    private Map<String, Boolean> lru() {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > perPartition;
            }
        };
    }
}
