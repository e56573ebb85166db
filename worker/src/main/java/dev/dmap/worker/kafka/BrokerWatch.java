package dev.dmap.worker.kafka;

import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.OutageLog;
import dev.dmap.worker.config.KafkaSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says how a Kafka outage goes, in a few lines ({@link OutageLog}): the Kafka clients' own
 * per-reconnect WARNs are turned down to ERROR in the worker's logging settings, so without this
 * an outage would go unsaid. Asks the cluster to describe itself every few seconds, on its own
 * thread; what the worker does meanwhile (keep its transaction, retry, go on) is the loop's.
 */
public final class BrokerWatch implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerWatch.class);
    static final Duration EVERY = Duration.ofSeconds(5);

    private final Admin admin;
    private final OutageLog outage;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("dmap-kafka-watch"));

    private BrokerWatch(KafkaSettings settings, Clock clock) {
        this.admin = Admin.create(ClientProperties.admin(settings));
        this.outage = new OutageLog(log, "Kafka at " + settings.bootstrapServers(), clock);
    }

    public static BrokerWatch start(KafkaSettings settings, Clock clock) {
        BrokerWatch watch = new BrokerWatch(settings, clock);
        watch.thread.scheduleWithFixedDelay(watch, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return watch;
    }

    @Override
    public void run() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) EVERY.toMillis())).nodes()
                    .get(EVERY.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            outage.answered();
        } catch (ExecutionException e) {
            outage.failed(e.getCause() == null ? e.toString() : e.getCause().getClass().getSimpleName() + ": "
                    + e.getCause().getMessage());
        } catch (TimeoutException e) {
            outage.failed("no answer within " + EVERY.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            outage.failed(e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        admin.close(Duration.ofSeconds(2));
    }
}
