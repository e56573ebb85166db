package dev.dmap.cli;

/** Keeps library chatter (Kafka clients log at INFO) off the terminal unless asked for. */
final class Logging {
    private Logging() {
    }

    static void quietDefaults() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
