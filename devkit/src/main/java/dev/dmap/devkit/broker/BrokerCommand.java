package dev.dmap.devkit.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dmap broker}: a single-node KRaft broker in the foreground until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a local single-node Kafka broker (KRaft) in the foreground until Ctrl-C.",
                "For development and demos; point workers and the CLI at it with --bootstrap-servers."})
public class BrokerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = BrokerSettings.DEFAULT_HOST, description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(names = "--data-dir", defaultValue = ".dmap/kafka",
            description = "Folder for the log; reused across restarts (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        LocalBroker broker = LocalBroker.start(new BrokerSettings(host, port, controllerPort, dataDir.toAbsolutePath(), Map.of()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "dmap-broker-shutdown"));
        System.err.printf("Kafka broker ready at %s (data in %s). Ctrl-C stops it.%n",
                broker.bootstrapServers(), broker.dataDir());
        stopped.await();
        return 0;
    }
}
