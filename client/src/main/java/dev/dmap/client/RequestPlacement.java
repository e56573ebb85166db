package dev.dmap.client;

import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.CacheKeys;
import dev.dmap.schemas.Cacheable;
import dev.dmap.schemas.PromptPrefix;
import dev.dmap.schemas.Request;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a request goes to.
 * <ul>
 *   <li>A request the response cache may serve goes to the partition its body chooses
 *       ({@link CacheKeys#placement}), so that identical requests, under whatever ids, reach one
 *       worker, which computes them once.</li>
 *   <li>Any other request with a long prompt prefix ({@link PromptPrefix}) goes to its prefix's
 *       partition, {@link #RUN} requests of one prefix after another, then the next partition:
 *       the requests of a prefix reach few workers (each engine evaluates the prefix once, not once
 *       per request), and a prefix with thousands of requests still spreads over every partition.</li>
 *   <li>The rest is left to the producer's partitioner (by its key, the request id).</li>
 * </ul>
 * One per submit or caller; thread-safe.
 */
final class RequestPlacement {
    /** Requests of one prefix placed on one partition before the next partition takes its turn. */
    static final int RUN = 100;
    /** Prefixes remembered by a long-lived caller (the online lane); the oldest is forgotten first. */
    private static final int REMEMBERED = 4096;

    private final Map<Integer, Integer> placedByPrefix = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Integer> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** The partition of {@code topic} for {@code request}, or null for the producer's choice. */
    Integer partition(Producer<?, ?> producer, String topic, Request request) {
        boolean cached = !CacheControl.OFF.equals(request.cacheControl().mode()) && Cacheable.test(request.url(), request.body());
        OptionalInt prefix = cached ? OptionalInt.empty() : PromptPrefix.of(request.url(), request.body());
        if (!cached && prefix.isEmpty()) {
            return null;
        }
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            return null;
        }
        if (cached) {
            byte[] placement = CacheKeys.placement(request.url(), request.body()).getBytes(StandardCharsets.UTF_8);
            return Utils.toPositive(Utils.murmur2(placement)) % partitions.size();
        }
        return prefixPartition(prefix.getAsInt(), partitions.size());
    }

    /** The {@code n}-th request of a prefix goes to its home partition plus {@code n / RUN}. */
    synchronized int prefixPartition(int prefix, int partitions) {
        int placed = placedByPrefix.merge(prefix, 1, Integer::sum) - 1;
        return (Utils.toPositive(prefix) + placed / RUN) % partitions;
    }
}
