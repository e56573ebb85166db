package dev.dmap.worker.app;

import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.BackendSettings;
import dev.dmap.worker.config.BatchSettings;
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
        Kafka kafka, Backend backend, Retry retry, Scheduling scheduling, Delivery delivery, Batches batches) {

    public record Kafka(String bootstrapServers, String groupId, Duration pollTimeout, Duration commitInterval,
            Integer maxBufferedPerPartition, Duration metadataMaxAge, Duration shutdownTimeout,
            Map<String, String> properties) {
    }

    public record Backend(URI url, String apiKey, Duration connectTimeout, Duration requestTimeout, Duration loadTimeout,
            Duration unloadCooldown, Integer maxLoadedModels, Integer slots, Integer defaultSlots,
            Integer contextMarginTokens, Duration probeInitialBackoff, Duration probeMaxBackoff, Duration catalogueTtl,
            Duration loadFailureMemory) {
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

    public record Scheduling(SchedulingSettings.Strategy strategy, Duration maxWait, Duration minHold, Integer prefetch,
            Long loadCost, Duration drainGrace) {
    }

    public WorkerConfig toConfig() {
        return new WorkerConfig(
                or(workerId, defaultWorkerId()),
                new Topics(or(topicPrefix, Topics.DEFAULT_PREFIX)),
                kafka(kafka == null ? new Kafka(null, null, null, null, null, null, null, null) : kafka),
                backend(backend == null ? new Backend(null, null, null, null, null, null, null, null, null, null, null, null, null, null) : backend),
                retry(retry == null ? new Retry(null, null, null, null, null) : retry),
                scheduling(scheduling == null ? new Scheduling(null, null, null, null, null, null) : scheduling),
                new DeliverySettings(
                        delivery == null || delivery.mode() == null ? DeliverySettings.DEFAULT_MODE : delivery.mode(),
                        delivery == null || delivery.transactionInterval() == null
                                ? DeliverySettings.DEFAULT_TRANSACTION_INTERVAL : delivery.transactionInterval()),
                batches == null ? BatchSettings.defaults() : new BatchSettings(
                        or(batches.tracker(), true),
                        or(batches.stateDir(), BatchSettings.DEFAULT_STATE_DIR),
                        or(batches.retention(), BatchSettings.DEFAULT_RETENTION)),
                or(maxRequestBytes, WorkerConfig.DEFAULT_MAX_REQUEST_BYTES));
    }

    private static KafkaSettings kafka(Kafka k) {
        return new KafkaSettings(
                or(k.bootstrapServers(), "localhost:9092"),
                or(k.groupId(), KafkaSettings.DEFAULT_GROUP_ID),
                or(k.pollTimeout(), KafkaSettings.DEFAULT_POLL_TIMEOUT),
                or(k.commitInterval(), KafkaSettings.DEFAULT_COMMIT_INTERVAL),
                or(k.maxBufferedPerPartition(), KafkaSettings.DEFAULT_MAX_BUFFERED_PER_PARTITION),
                or(k.metadataMaxAge(), KafkaSettings.DEFAULT_METADATA_MAX_AGE),
                or(k.shutdownTimeout(), KafkaSettings.DEFAULT_SHUTDOWN_TIMEOUT),
                or(k.properties(), Map.of()));
    }

    private static BackendSettings backend(Backend b) {
        return new BackendSettings(
                or(b.url(), BackendSettings.DEFAULT_URL),
                b.apiKey(),
                or(b.connectTimeout(), BackendSettings.DEFAULT_CONNECT_TIMEOUT),
                or(b.requestTimeout(), BackendSettings.DEFAULT_REQUEST_TIMEOUT),
                or(b.loadTimeout(), BackendSettings.DEFAULT_LOAD_TIMEOUT),
                or(b.unloadCooldown(), BackendSettings.DEFAULT_UNLOAD_COOLDOWN),
                or(b.maxLoadedModels(), BackendSettings.DEFAULT_MAX_LOADED_MODELS),
                or(b.slots(), 0),
                or(b.defaultSlots(), BackendSettings.DEFAULT_SLOTS),
                or(b.contextMarginTokens(), 0),
                or(b.probeInitialBackoff(), BackendSettings.DEFAULT_PROBE_INITIAL_BACKOFF),
                or(b.probeMaxBackoff(), BackendSettings.DEFAULT_PROBE_MAX_BACKOFF),
                or(b.catalogueTtl(), BackendSettings.DEFAULT_CATALOGUE_TTL),
                or(b.loadFailureMemory(), BackendSettings.DEFAULT_LOAD_FAILURE_MEMORY));
    }

    private static RetrySettings retry(Retry r) {
        return new RetrySettings(
                or(r.maxAttempts(), RetrySettings.DEFAULT_MAX_ATTEMPTS),
                or(r.initialBackoff(), RetrySettings.DEFAULT_INITIAL_BACKOFF),
                or(r.multiplier(), RetrySettings.DEFAULT_MULTIPLIER),
                or(r.maxBackoff(), RetrySettings.DEFAULT_MAX_BACKOFF),
                or(r.jitter(), RetrySettings.DEFAULT_JITTER));
    }

    private static SchedulingSettings scheduling(Scheduling s) {
        return new SchedulingSettings(
                or(s.strategy(), SchedulingSettings.DEFAULT_STRATEGY),
                or(s.maxWait(), SchedulingSettings.DEFAULT_MAX_WAIT),
                or(s.minHold(), SchedulingSettings.DEFAULT_MIN_HOLD),
                or(s.prefetch(), SchedulingSettings.DEFAULT_PREFETCH),
                or(s.loadCost(), SchedulingSettings.DEFAULT_LOAD_COST),
                or(s.drainGrace(), SchedulingSettings.DEFAULT_DRAIN_GRACE));
    }

    private static String defaultWorkerId() {
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "dmap-worker" : host;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
