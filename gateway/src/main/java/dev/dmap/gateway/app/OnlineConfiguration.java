package dev.dmap.gateway.app;

import dev.dmap.client.ClientException;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OnlineCalls;
import dev.dmap.gateway.batches.BatchClient;
import dev.dmap.gateway.batches.Guarded;
import dev.dmap.gateway.online.Calls;
import dev.dmap.gateway.online.FleetView;
import dev.dmap.gateway.online.OnlineMetrics;
import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.Limits;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The wiring of the online lane's room: its reply reader (through {@link OnlineCalls}), the fleet's
 * models read in the background (each one's online topic made ahead of its first call), admission and
 * metrics, and the threads that write streams.
 */
@Configuration
class OnlineConfiguration {
    @Bean
    OnlineMetrics onlineMetrics() {
        return new OnlineMetrics();
    }

    /** The fleet's models, read every few seconds; each one's online topic is made ahead of its first call. */
    @Bean(destroyMethod = "close")
    OnlineCalls onlineCalls(KafkaConnection kafka) {
        return OnlineCalls.start(kafka, OnlineCalls.newCallerId(), Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    @Bean
    FleetView fleetView(BatchClient client, OnlineCalls online, ScheduledExecutorService batchScheduling) {
        FleetView fleet = new FleetView(client::servedModels);
        batchScheduling.scheduleWithFixedDelay(Guarded.task("Reading the fleet's models", () -> {
            fleet.refresh();
            fleet.served().ifPresent(models -> models.forEach(online::prepare));
        }), 0, FLEET_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
        return fleet;
    }

    /** How often the gateway reads which models the fleet serves. */
    static final Duration FLEET_REFRESH = Duration.ofSeconds(5);

    @Bean
    Calls calls(OnlineCalls online, FleetView fleet, OnlineMetrics metrics, Clock clock,
            @Value("${dmap.gateway.call-timeout}") Duration timeout, @Value("${dmap.gateway.max-open-calls}") int maxOpen) {
        if (maxOpen < 1 || timeout.isNegative() || timeout.isZero()) {
            throw new ClientException.InvalidInput("--max-open-calls must be at least 1 and --call-timeout positive");
        }
        return new Calls(online, fleet, metrics, new Calls.Settings(timeout, maxOpen,
                Calls.INTERACTIVE_PRIORITY), clock);
    }

    /** Writes streamed answers: a few threads, each call's events in order ({@link dev.dmap.gateway.online.InOrder}). */
    @Bean(name = "onlineStreams", destroyMethod = "shutdownNow")
    ExecutorService onlineStreams() {
        return Executors.newFixedThreadPool(8, DaemonThreads.numbered("gateway-stream-"));
    }
}
