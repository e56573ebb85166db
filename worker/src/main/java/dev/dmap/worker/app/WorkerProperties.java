package dev.dmap.worker.app;

import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.BackendKind;
import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.CacheSettings;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.RetrySettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code dmap.*} configuration as Spring binds it (application.yaml, environment variables
 * such as {@code DMAP_BACKEND_URL}). Every field may be absent; {@link #toConfig()} fills in the
 * defaults and validates the whole, so a bad value stops the worker at start-up with a message
 * naming it. docs/configuration.md lists every key.
 */
@ConfigurationProperties("dmap")
public record WorkerProperties(
        String workerId, String topicPrefix, Integer maxRequestBytes,
        Kafka kafka, Backend backend, Retry retry, Scheduling scheduling, Delivery delivery, Batches batches, Cache cache) {

    public record Kafka(String bootstrapServers, String groupId, Duration pollTimeout, Duration commitInterval,
            Integer maxBufferedPerPartition, Duration metadataMaxAge, Duration shutdownTimeout,
            Map<String, String> properties, Integer replicationFactor, Integer minInsyncReplicas) {
    }

    public record Backend(URI url, String apiKey, Duration connectTimeout, Duration requestTimeout, Duration loadTimeout,
            Duration unloadCooldown, Integer maxLoadedModels, Integer slots, Integer defaultSlots,
            Integer contextMarginTokens, Duration probeInitialBackoff, Duration probeMaxBackoff, Duration catalogueTtl,
            Duration loadFailureMemory, String kind, Integer maxWindow) {
        @Override
        public String toString() {
            return "Backend[url=" + url + ", apiKey=" + (apiKey == null ? "(none)" : "******") + ", ...]";
        }
    }

    public record Retry(Integer maxAttempts, Duration initialBackoff, Double multiplier, Duration maxBackoff, Double jitter) {
    }

    public record Delivery(DeliverySettings.Mode mode, Duration transactionInterval) {
    }

    public record Batches(Boolean tracker, java.nio.file.Path stateDir, Duration retention) {
    }

    public record Cache(Boolean enabled, java.nio.file.Path dir, Duration ttl, Long maxBytes) {
    }

    public record Scheduling(SchedulingSettings.Strategy strategy, Duration maxWait, Duration minHold, Integer prefetch,
            Long loadCost, Duration drainGrace, Duration batchWindow) {
    }

    /** The configuration, each missing value taking the default its settings record gives it. */
    public WorkerConfig toConfig() {
        Kafka k = kafka == null ? new Kafka(null, null, null, null, null, null, null, null, null, null) : kafka;
        Backend b = backend == null
                ? new Backend(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null) : backend;
        Retry r = retry == null ? new Retry(null, null, null, null, null) : retry;
        Scheduling s = scheduling == null ? new Scheduling(null, null, null, null, null, null, null) : scheduling;
        Delivery d = delivery == null ? new Delivery(null, null) : delivery;
        Batches t = batches == null ? new Batches(null, null, null) : batches;
        Cache c = cache == null ? new Cache(null, null, null, null) : cache;
        return new WorkerConfig(
                workerId != null ? workerId : defaultWorkerId(),
                new Topics(topicPrefix != null ? topicPrefix : Topics.DEFAULT_PREFIX),
                KafkaSettings.of(k.bootstrapServers(), k.groupId(), k.pollTimeout(), k.commitInterval(),
                        k.maxBufferedPerPartition(), k.metadataMaxAge(), k.shutdownTimeout(), k.properties())
                        .withReplication(dev.dmap.schemas.TopicReplication.of(k.replicationFactor(), k.minInsyncReplicas())),
                BackendSettings.of(b.url(), b.apiKey(), b.connectTimeout(), b.requestTimeout(), b.loadTimeout(),
                        b.unloadCooldown(), b.maxLoadedModels(), b.slots(), b.defaultSlots(), b.contextMarginTokens(),
                        b.probeInitialBackoff(), b.probeMaxBackoff(), b.catalogueTtl(), b.loadFailureMemory(),
                        b.kind() == null ? null : BackendKind.parse(b.kind()), b.maxWindow()),
                RetrySettings.of(r.maxAttempts(), r.initialBackoff(), r.multiplier(), r.maxBackoff(), r.jitter()),
                SchedulingSettings.of(s.strategy(), s.maxWait(), s.minHold(), s.prefetch(), s.loadCost(), s.drainGrace(),
                        s.batchWindow()),
                new DeliverySettings(d.mode(), d.transactionInterval()),
                BatchSettings.of(t.tracker(), t.stateDir(), t.retention()),
                maxRequestBytes != null ? maxRequestBytes : WorkerConfig.DEFAULT_MAX_REQUEST_BYTES,
                CacheSettings.of(c.enabled(), c.dir(), c.ttl(), c.maxBytes()));
    }

    private static String defaultWorkerId() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "dmap-worker" : host;
    }
}
