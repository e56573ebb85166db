package dev.dmap.client;

import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.CacheKeys;
import dev.dmap.schemas.Cacheable;
import dev.dmap.schemas.Request;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;

/**
 * Which partition a request goes to. A request the response cache may serve goes to the
 * partition its body chooses ({@link CacheKeys#placement}), so that identical requests, under
 * whatever ids, reach one worker, which computes them once; any other request is left to the
 * producer's partitioner (by its key, the request id).
 */
final class RequestPlacement {
    private RequestPlacement() {
    }

    /** The partition of {@code topic} for {@code request}, or null for the producer's choice. */
    static Integer partition(Producer<?, ?> producer, String topic, Request request) {
        if (CacheControl.OFF.equals(request.cacheControl().mode()) || !Cacheable.test(request.url(), request.body())) {
            return null;
        }
        List<PartitionInfo> partitions = producer.partitionsFor(topic);
        if (partitions == null || partitions.isEmpty()) {
            return null;
        }
        byte[] placement = CacheKeys.placement(request.url(), request.body()).getBytes(StandardCharsets.UTF_8);
        return Utils.toPositive(Utils.murmur2(placement)) % partitions.size();
    }
}
