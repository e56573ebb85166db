package dev.dmap.worker.app;

import dev.dmap.schemas.ExitCodes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** The worker as a Spring Boot service: configuration, lifecycle, actuator. The work itself is {@link dev.dmap.worker.Worker}. */
@SpringBootApplication
@EnableConfigurationProperties(WorkerProperties.class)
public class WorkerApplication {
    static final String USAGE = """
            Usage: dmap worker [--key=value ...]
            Runs a dmap worker: consumes the request topics, calls its backend, publishes results and
            dead letters. Every setting is a --dmap.<key>=<value> argument or an environment variable
            (DMAP_KAFKA_BOOTSTRAP_SERVERS, DMAP_BACKEND_URL, DMAP_WORKER_ID, ...); see docs/configuration.md.
              -h, --help      print this help and exit
              -V, --version   print the version and exit
            """;

    private static final Duration STARTUP_ABORT_WAIT = Duration.ofSeconds(10);

    public static void main(String[] args) {
        if (args.length > 0 && Set.of("-h", "--help", "help").contains(args[0])) {
            System.out.print(USAGE);
            return;
        }
        if (args.length > 0 && Set.of("-V", "--version", "version").contains(args[0])) {
            System.out.println("dmap worker " + version());
            return;
        }
        AtomicBoolean starting = new AtomicBoolean(true);
        Runtime.getRuntime().addShutdownHook(interruptStartup(Thread.currentThread(), starting));
        try {
            SpringApplication.run(WorkerApplication.class, args);
        } catch (RuntimeException e) {
            if (refusedByKafka(e)) {
                System.exit(ExitCodes.WORKER_FAILED); // reported by KafkaRefusedFailureAnalyzer
            }
            if (!starting.get()) {
                // the JVM is exiting and may have stopped logging already, so this goes to stderr itself
                System.err.println("dmap worker: stopped (Ctrl-C or SIGTERM) while it was starting");
                return;
            }
            throw e;
        }
        starting.set(false);
    }

    /**
     * Ctrl-C (or SIGTERM) while the worker is still starting: Spring's own shutdown hook waits for
     * start-up to finish, which can take as long as a Kafka or backend timeout, so this one
     * interrupts the starting thread and waits for it; start-up then fails at once and the process exits.
     */
    private static Thread interruptStartup(Thread main, AtomicBoolean starting) {
        return new Thread(() -> {
            if (starting.getAndSet(false)) {
                main.interrupt();
                try {
                    main.join(STARTUP_ABORT_WAIT.toMillis()); // so that its one-line report is written before the JVM halts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "dmap-interrupt-startup");
    }

    private static boolean refusedByKafka(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof dev.dmap.worker.kafka.OutputTopics.Refused) {
                return true;
            }
        }
        return false;
    }

    static String version() {
        String version = WorkerApplication.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
