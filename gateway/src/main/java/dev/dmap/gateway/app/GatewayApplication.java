package dev.dmap.gateway.app;

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
import dev.dmap.gateway.batches.Scheduler;
import dev.dmap.gateway.batches.TakeoverSweeper;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.ExitCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** The gateway's own options and the Spring property each sets. */
    static final Map<String, String> OPTIONS = Map.ofEntries(
            Map.entry("--port", "server.port"),
            Map.entry("--address", "server.address"),
            Map.entry("--bootstrap-servers", "dmap.bootstrap-servers"),
            Map.entry("--command-config", "dmap.command-config"),
            Map.entry("--topic-prefix", "dmap.topic-prefix"),
            Map.entry("--api-keys-file", "dmap.gateway.api-keys-file"),
            Map.entry("--dir", "dmap.gateway.dir"),
            Map.entry("--file-retention", "dmap.gateway.file-retention"),
            Map.entry("--max-file-size", "dmap.gateway.max-file-size"),
            Map.entry("--max-requests-per-client", "dmap.gateway.max-requests-per-client"),
            Map.entry("--max-batch-lines", "dmap.gateway.max-batch-lines"));

    static final String USAGE = """
            Usage: dmap gateway --port PORT --bootstrap-servers HOST:PORT --api-keys-file FILE [options]
            OpenAI's Batch API (/v1/files, /v1/batches) over dmap. Every option can also be set from the environment.
              --port PORT               HTTP port (DMAP_GATEWAY_PORT, default 8090)
              --address ADDRESS         address to listen on (DMAP_GATEWAY_ADDRESS, default 127.0.0.1)
              --bootstrap-servers HOSTS Kafka (DMAP_BOOTSTRAP_SERVERS, default localhost:9092)
              --command-config FILE     Kafka client properties (security settings), as for dmap submit (DMAP_COMMAND_CONFIG)
              --topic-prefix PREFIX     topic prefix (DMAP_TOPIC_PREFIX, default dmap)
              --api-keys-file FILE      one line per key: KEY OWNER; reloaded when it changes (DMAP_API_KEYS_FILE, required)
              --dir DIR                 where files and batch records live (DMAP_GATEWAY_DIR, default ~/.dmap/gateway)
              --file-retention DURATION how long a file lives without its own expiry, e.g. 30d (DMAP_GATEWAY_FILE_RETENTION, default 30d)
              --max-file-size SIZE      the largest upload taken, e.g. 500MB (DMAP_GATEWAY_MAX_FILE_SIZE, default 2GB)
              --max-requests-per-client N  requests of one client address in progress at once, 0 for no limit
                                        (DMAP_GATEWAY_MAX_REQUESTS_PER_CLIENT, default 32)
              --max-batch-lines N       the most lines a batch's input file may have (DMAP_GATEWAY_MAX_BATCH_LINES,
                                        default 50000, OpenAI's limit)
            """;

    public static void main(String[] args) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(USAGE);
            return;
        }
        String[] spring;
        try {
            spring = springArguments(args);
        } catch (IllegalArgumentException e) {
            System.err.println("dmap gateway: " + e.getMessage() + "\n" + USAGE);
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
                .run(springArguments(args));
    }

    /** {@code --port 8090} and {@code --port=8090} become {@code --server.port=8090}; anything else is refused. */
    static String[] springArguments(String[] args) {
        List<String> spring = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].contains("=") ? args[i].substring(0, args[i].indexOf('=')) : args[i];
            String property = OPTIONS.get(name);
            if (property == null) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; the gateway takes " + String.join(", ",
                        new java.util.TreeSet<>(OPTIONS.keySet())));
            }
            String value = args[i].contains("=") ? args[i].substring(args[i].indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
            if (value == null) {
                throw new IllegalArgumentException("option " + name + " needs a value");
            }
            spring.add("--" + property + "=" + value);
        }
        return spring.toArray(String[]::new);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    GatewaySettings gatewaySettings(@Value("${dmap.gateway.dir}") Path dir, @Value("${dmap.gateway.api-keys-file}") String keys,
            @Value("${dmap.gateway.file-retention}") Duration retention, @Value("${dmap.gateway.max-file-size}") DataSize maxFileSize,
            @Value("${dmap.gateway.max-requests-per-client}") int maxRequestsPerClient,
            @Value("${dmap.gateway.max-batch-lines}") int maxBatchLines) {
        if (keys.isBlank()) {
            throw new ClientException.InvalidInput("The gateway needs an API keys file (one line per key: KEY OWNER): "
                    + "--api-keys-file FILE or DMAP_API_KEYS_FILE");
        }
        if (!Files.isReadable(Path.of(keys))) {
            throw new ClientException.InvalidInput("cannot read the API keys file " + keys + " (one line per key: KEY OWNER)");
        }
        if (maxRequestsPerClient < 0) {
            throw new ClientException.InvalidInput("--max-requests-per-client must be 0 (no limit) or more: " + maxRequestsPerClient);
        }
        if (maxBatchLines < 1) {
            throw new ClientException.InvalidInput("--max-batch-lines must be at least 1: " + maxBatchLines);
        }
        return new GatewaySettings(dir, Path.of(keys), retention, maxFileSize.toBytes(), maxRequestsPerClient, maxBatchLines);
    }

    /**
     * Kafka must answer (and take the credentials) at start, or the gateway exits 3 saying why; the
     * settings are checked first, as they cost nothing.
     */
    @Bean
    KafkaConnection kafkaConnection(GatewaySettings checkedFirst, @Value("${dmap.bootstrap-servers}") String servers,
            @Value("${dmap.topic-prefix}") String prefix, @Value("${dmap.command-config}") String commandConfig) {
        KafkaConnection kafka = KafkaConnection.load(servers, prefix, commandConfig.isBlank() ? null : Path.of(commandConfig),
                KafkaConnection.DEFAULT_TIMEOUT);
        kafka.requireReachable();
        return kafka;
    }

    @Bean
    ApiKeys apiKeys(GatewaySettings settings) {
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
        BatchPublisher publisher = new BatchPublisher(client, files, store, locks, scheduler, settings.maxBatchLines(), clock);
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
