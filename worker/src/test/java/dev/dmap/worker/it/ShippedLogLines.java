package dev.dmap.worker.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Records, while it is open, the log lines a worker would write with the levels it ships with
 * ({@code logging.level} in its application.yaml; INFO for the rest, as Spring Boot's root): the
 * tests log everything at DEBUG, so what a user would see has to be picked out.
 */
final class ShippedLogLines extends AppenderBase<ILoggingEvent> implements AutoCloseable {
    private static final Path APPLICATION_YAML = Path.of("src/main/resources/application.yaml");

    private final Map<String, Level> levels;
    private final ConcurrentLinkedQueue<ILoggingEvent> lines = new ConcurrentLinkedQueue<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    private ShippedLogLines(Map<String, Level> levels) {
        this.levels = levels;
    }

    static ShippedLogLines record() throws IOException {
        ShippedLogLines recorder = new ShippedLogLines(shippedLevels());
        recorder.start();
        recorder.root.addAppender(recorder);
        return recorder;
    }

    /** The {@code logging.level} entries of the worker's application.yaml. */
    @SuppressWarnings("unchecked")
    static Map<String, Level> shippedLevels() throws IOException {
        Map<String, Object> yaml;
        try (var in = Files.newInputStream(APPLICATION_YAML)) {
            yaml = new org.yaml.snakeyaml.Yaml().load(in);
        }
        Map<String, Object> logging = (Map<String, Object>) yaml.getOrDefault("logging", Map.of());
        Map<String, Object> configured = (Map<String, Object>) logging.getOrDefault("level", Map.of());
        Map<String, Level> levels = new HashMap<>();
        configured.forEach((logger, level) -> levels.put(logger, Level.toLevel(level.toString())));
        return levels;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel().isGreaterOrEqual(threshold(event.getLoggerName()))) {
            lines.add(event);
        }
    }

    /** The most specific configured level for a logger name. */
    private Level threshold(String logger) {
        for (String name = logger; !name.isEmpty(); name = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "") {
            Level level = levels.get(name);
            if (level != null) {
                return level;
            }
        }
        return Level.INFO;
    }

    /** The WARN and ERROR lines a user would have seen, counted by logger. */
    Map<String, Integer> warningsByLogger() {
        Map<String, Integer> counts = new TreeMap<>();
        for (ILoggingEvent event : lines) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
                counts.merge(event.getLoggerName(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Every line a user would have seen, as text. */
    List<String> lines() {
        List<String> text = new ArrayList<>();
        lines.forEach(event -> text.add(event.getLevel() + " " + event.getLoggerName() + " " + event.getFormattedMessage()));
        return text;
    }

    @Override
    public void close() {
        root.detachAppender(this);
        stop();
    }
}
