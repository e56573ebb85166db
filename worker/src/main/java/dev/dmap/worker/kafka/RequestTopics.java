package dev.dmap.worker.kafka;

import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.KafkaSettings;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every request topic fit for dmap, whoever created it: a foreign producer's first publish
 * creates a topic with the broker's defaults (often one partition and 1 MiB records), on which a
 * model could never spread over workers and a request under the size limit could not travel.
 * Every worker checks on start and then periodically; raising is idempotent, so several workers
 * doing it at once is harmless. Each change is logged by {@link TopicProvisioner}.
 */
public final class RequestTopics implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RequestTopics.class);

    private final Admin admin;
    private final TopicProvisioner provisioner;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dmap-topics"));
    private boolean failing;

    private RequestTopics(KafkaSettings settings, Topics topics, int maxRequestBytes) {
        this.admin = Admin.create(ClientProperties.admin(settings));
        this.provisioner = new TopicProvisioner(admin, topics, TopicProvisioner.REQUEST_PARTITIONS, maxRequestBytes,
                settings.replication());
    }

    /** Checks now, on a thread of its own, and every {@code interval} after. */
    public static RequestTopics start(KafkaSettings settings, Topics topics, int maxRequestBytes, Duration interval) {
        RequestTopics requestTopics = new RequestTopics(settings, topics, maxRequestBytes);
        requestTopics.thread.scheduleWithFixedDelay(requestTopics, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return requestTopics;
    }

    /** Aligns the request topics that exist now; a failure (Kafka away) is logged once and tried again next time. */
    @Override
    public void run() {
        try {
            provisioner.alignRequestTopics();
            failing = false;
        } catch (TimeoutException | RuntimeException e) {
            if (!failing) {
                log.warn("Could not check the request topics' partitions and size limit ({}); trying again later",
                        e.toString());
                failing = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
