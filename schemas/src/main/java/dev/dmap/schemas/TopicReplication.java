package dev.dmap.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How the topics dmap creates are replicated. Both default to the cluster's own settings
 * ({@code default.replication.factor}, {@code min.insync.replicas}); on a production cluster of
 * three brokers or more they should be 3 and 2 (docs/configuration.md).
 *
 * @param factor            replicas of each partition, or null for the cluster's default
 * @param minInsyncReplicas replicas that must have a record before it counts as written, or null for the cluster's default
 */
public record TopicReplication(Short factor, Integer minInsyncReplicas) {
    /** Replicas an output or state topic should have on a cluster of at least this many brokers. */
    public static final int PRODUCTION_REPLICAS = 3;

    public TopicReplication {
        if (factor != null && factor < 1) {
            throw new IllegalArgumentException("the replication factor must be at least 1: " + factor);
        }
        if (minInsyncReplicas != null && minInsyncReplicas < 1) {
            throw new IllegalArgumentException("min.insync.replicas must be at least 1: " + minInsyncReplicas);
        }
        if (factor != null && minInsyncReplicas != null && minInsyncReplicas > factor) {
            throw new IllegalArgumentException("min.insync.replicas (" + minInsyncReplicas
                    + ") cannot exceed the replication factor (" + factor + "): nothing could be written");
        }
    }

    /** The cluster's defaults for both. */
    public static TopicReplication clusterDefaults() {
        return new TopicReplication(null, null);
    }

    /** From settings that may be missing (null or 0 for the cluster's default). */
    public static TopicReplication of(Integer factor, Integer minInsyncReplicas) {
        return new TopicReplication(factor == null || factor == 0 ? null : factor.shortValue(),
                minInsyncReplicas == null || minInsyncReplicas == 0 ? null : minInsyncReplicas);
    }

    Optional<Short> replicationFactor() {
        return Optional.ofNullable(factor);
    }

    /** {@code configs} plus {@code min.insync.replicas} when one is set. */
    Map<String, String> withMinInsync(Map<String, String> configs) {
        if (minInsyncReplicas == null) {
            return configs;
        }
        Map<String, String> all = new HashMap<>(configs);
        all.put("min.insync.replicas", String.valueOf(minInsyncReplicas));
        return all;
    }
}
