package dev.dmap.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps library chatter off the terminal: the Kafka clients log a WARN line per failed connection
 * attempt, dozens while a broker is down, and the console is for dmap's own one-line messages. So
 * every log line goes to a file: {@code -Ddmap.log.file}, else {@code $DMAP_LOG_FILE}, else
 * {@code ~/.dmap/logs/cli.log}. Must run before the first logger is made (slf4j-simple reads its
 * settings once).
 */
final class Logging {
    private static final String LOG_FILE = "org.slf4j.simpleLogger.logFile";

    private Logging() {
    }

    static void quietDefaults() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        if (System.getProperty(LOG_FILE) == null) {
            System.setProperty(LOG_FILE, writable(logFile()));
        }
    }

    /** Where the log lines go (after {@link #quietDefaults()}). */
    static String currentFile() {
        return System.getProperty(LOG_FILE, logFile().toString());
    }

    /** Where the log lines are meant to go. */
    static Path logFile() {
        String configured = System.getProperty("dmap.log.file", System.getenv("DMAP_LOG_FILE"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".dmap", "logs", "cli.log");
    }

    /** The file, its folder created; the temporary folder when that cannot be. */
    private static String writable(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return file.toString();
        } catch (IOException | SecurityException e) {
            return Path.of(System.getProperty("java.io.tmpdir"), "dmap-cli.log").toString();
        }
    }
}
