package dev.dmap.gateway.app;

import java.net.InetAddress;
import java.net.UnknownHostException;
import dev.dmap.client.ClientException;
import dev.dmap.client.KafkaConnection;
import dev.dmap.gateway.GatewaySettings;
import dev.dmap.gateway.api.ApiKeys;
import dev.dmap.gateway.batches.BatchClient;
import dev.dmap.gateway.batches.BatchLocks;
import dev.dmap.gateway.batches.BatchPublisher;
import dev.dmap.gateway.batches.BatchStates;
import dev.dmap.gateway.batches.BatchStore;
import dev.dmap.gateway.batches.Guarded;
import dev.dmap.gateway.batches.Batches;
import dev.dmap.gateway.batches.KafkaBatchClient;
import dev.dmap.gateway.batches.OutputWriter;
import dev.dmap.gateway.batches.PublishRules;
import dev.dmap.gateway.batches.Scheduler;
import dev.dmap.gateway.batches.TakeoverSweeper;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.unit.DataSize;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The gateway process: {@code ./dmap gateway --port PORT --bootstrap-servers HOST:PORT --api-keys-file FILE}
 * (or {@code DMAP_GATEWAY_PORT}, {@code DMAP_BOOTSTRAP_SERVERS}, {@code DMAP_API_KEYS_FILE}). The wiring
 * of the rooms ({@code api}, {@code files}, {@code batches}); the background threads start here.
 */
@SpringBootApplication(scanBasePackages = {"dev.dmap.gateway.app", "dev.dmap.gateway.api"})
public class GatewayApplication {
    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(GatewayOptions.USAGE);
            return;
        }
        String[] spring;
        try {
            spring = GatewayOptions.springArguments(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dmap gateway: " + e.getMessage() + "\n" + GatewayOptions.USAGE);
            System.exit(ExitCodes.INVALID_INPUT);
            return;
        }
        try {
            ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
                    .properties("spring.config.name=gateway").run(spring);
            gateway.getBean(BatchStates.class).onFailure(reason -> {
                // a gateway that cannot read batch states would answer stale or 503 for ever: exit so a supervisor restarts it
                LoggerFactory.getLogger(GatewayApplication.class).error("The gateway cannot go on: {}; exiting", reason);
                new Thread(() -> System.exit(ExitCodes.GATEWAY_FAILED), "gateway-exit").start();
            });
        } catch (RuntimeException e) {
            // Spring has reported it (StartupFailureAnalyzer: one description, one action); exit with its code
            System.exit(StartupFailureAnalyzer.exitCode(e));
        }
    }

    /** Starts the gateway with its own options; its settings file is {@code gateway.properties}. */
    public static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=gateway")
                .run(GatewayOptions.springArguments(args));
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    GatewaySettings gatewaySettings(@Value("${dmap.gateway.dir}") Path dir, @Value("${dmap.gateway.api-keys-file}") String keys,
            @Value("${dmap.gateway.file-retention}") Duration retention, @Value("${dmap.gateway.max-file-size}") DataSize maxFileSize,
            @Value("${dmap.gateway.max-requests-per-client}") int maxRequestsPerClient,
            @Value("${dmap.gateway.max-batch-lines}") int maxBatchLines,
            @Value("${dmap.gateway.max-models-per-batch}") int maxModelsPerBatch, @Value("${dmap.gateway.models}") String models,
            @Value("${dmap.gateway.max-files-per-owner}") long maxFiles, @Value("${dmap.gateway.max-bytes-per-owner}") DataSize maxBytes,
            @Value("${server.address:}") String address) {
        if (keys.isBlank()) {
            requireLoopback(address);
        } else if (!Files.isReadable(Path.of(keys))) {
            throw new ClientException.InvalidInput("cannot read the API keys file " + keys + " (one line per key: KEY OWNER)");
        }
        if (maxRequestsPerClient < 0) {
            throw new ClientException.InvalidInput("--max-requests-per-client must be 0 (no limit) or more: " + maxRequestsPerClient);
        }
        if (maxBatchLines < 1 || maxModelsPerBatch < 1) {
            throw new ClientException.InvalidInput("--max-batch-lines and --max-models-per-batch must be at least 1");
        }
        Set<String> allowed = Arrays.stream(models.split(",")).map(String::strip).filter(m -> !m.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        return new GatewaySettings(dir, keys.isBlank() ? null : Path.of(keys), retention, maxFileSize.toBytes(), maxRequestsPerClient, maxBatchLines,
                maxModelsPerBatch, allowed, new GatewaySettings.Quota(maxFiles, maxBytes.toBytes()));
    }

    /**
     * Kafka must answer (and take the credentials) at start, or the gateway exits 3 saying why; the
     * settings are checked first, as they cost nothing.
     */
    @Bean
    KafkaConnection kafkaConnection(GatewaySettings checkedFirst, @Value("${dmap.bootstrap-servers}") String servers,
            @Value("${dmap.topic-prefix}") String prefix, @Value("${dmap.command-config}") String commandConfig,
            @Value("${dmap.replication-factor:0}") int replicationFactor,
            @Value("${dmap.min-insync-replicas:0}") int minInsync) {
        KafkaConnection kafka = KafkaConnection.load(servers, prefix, commandConfig.isBlank() ? null : Path.of(commandConfig),
                KafkaConnection.DEFAULT_TIMEOUT).withReplication(dev.dmap.schemas.TopicReplication.of(replicationFactor, minInsync));
        kafka.requireReachable();
        return kafka;
    }

    /**
     * Without a keys file the gateway answers anyone who can reach it, so it may listen only where
     * nobody else can: on loopback, as LM Studio and the article's proxy do.
     */
    static void requireLoopback(String address) {
        boolean loopback;
        try {
            loopback = !address.isBlank() && InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new ClientException.InvalidInput("Without an API keys file the gateway serves anyone who reaches it, so it "
                    + "listens only on 127.0.0.1; it was asked to listen on " + (address.isBlank() ? "every interface" : address)
                    + ". Give it --api-keys-file FILE (one line per key: KEY OWNER), or --address 127.0.0.1");
        }
    }

    @Bean
    ApiKeys apiKeys(GatewaySettings settings) {
        if (settings.apiKeysFile() == null) {
            LoggerFactory.getLogger(GatewayApplication.class).info("No API keys file: every call is anonymous (loopback only)");
            return ApiKeys.anonymous();
        }
        return new ApiKeys(settings.apiKeysFile());
    }


    @Bean
    FileStore fileStore(GatewaySettings settings, Clock clock) {
        return new FileStore(settings.dataDir(), clock);
    }

    @Bean(destroyMethod = "close")
    BatchStates batchStates(KafkaConnection kafka) {
        return new BatchStates(kafka).start();
    }

    @Bean
    BatchClient batchClient(KafkaConnection kafka, Clock clock) {
        return new KafkaBatchClient(kafka, clock);
    }

    /** Publishing and the sweep: two threads, so a long publication does not hold the sweep back. */
    @Bean(destroyMethod = "")
    ScheduledExecutorService batchScheduling() {
        return Executors.newScheduledThreadPool(2, DaemonThreads.named("gateway-publish"));
    }

    /** Output writing: one batch at a time, apart from publishing (a large collect takes a while). */
    @Bean(destroyMethod = "")
    ExecutorService outputWriting() {
        return Executors.newSingleThreadExecutor(DaemonThreads.named("gateway-outputs"));
    }

    @Bean
    Batches batches(GatewaySettings settings, FileStore files, BatchStates states, BatchClient client,
            ScheduledExecutorService batchScheduling, ExecutorService outputWriting, Clock clock) {
        BatchStore store = new BatchStore(settings.dataDir());
        BatchLocks locks = new BatchLocks(settings.dataDir());
        Scheduler scheduler = (task, delay) -> batchScheduling.schedule(Guarded.task("Publishing a batch", task), delay.toMillis(),
                TimeUnit.MILLISECONDS);
        BatchPublisher publisher = new BatchPublisher(client, files, store, locks, scheduler,
                new PublishRules(settings.maxBatchLines(), settings.maxModelsPerBatch(), settings.allowedModels()), clock);
        OutputWriter outputs = new OutputWriter(client, files, store, locks, states, settings.fileRetention(),
                task -> outputWriting.execute(Guarded.task("Writing a batch's output files", task)), clock);
        states.onEnded(outputs::schedule);
        TakeoverSweeper sweeper = new TakeoverSweeper(store, states, publisher, outputs, clock);
        batchScheduling.scheduleWithFixedDelay(Guarded.task("The sweep of batch records", sweeper), 0, TakeoverSweeper.EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return new Batches(store, states, publisher, outputs, client, clock);
    }

    /**
     * Stops the background threads before the beans they use are closed: it depends on them, so
     * Spring destroys it first.
     */
    @Bean
    BackgroundStop backgroundStop(ScheduledExecutorService batchScheduling, ExecutorService outputWriting, Batches batches,
            BatchStates states, FileStore files) {
        return new BackgroundStop(List.of(batchScheduling, outputWriting));
    }
}
