package dev.dmap.worker.it;

import dev.dmap.devkit.broker.BrokerSettings;
import dev.dmap.devkit.broker.LocalBroker;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kafka broker in a JVM of its own, for tests that stop a broker and start it again on the
 * same port and data folder: {@code BrokerMain <port> <controller-port> <data-dir>}. Prints
 * {@code READY} once it answers; SIGTERM stops it cleanly.
 */
public final class BrokerMain {
    private BrokerMain() {
    }

    public static void main(String[] args) {
        LocalBroker broker = LocalBroker.start(new BrokerSettings(BrokerSettings.DEFAULT_HOST, Integer.parseInt(args[0]),
                Integer.parseInt(args[1]), Path.of(args[2]), Map.of()));
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-stop"));
        System.out.println("READY " + broker.bootstrapServers());
        System.out.flush();
        broker.awaitShutdown();
    }
}
