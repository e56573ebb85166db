package dev.dmap.schemas;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * How an outage of something dmap depends on (a broker, a backend) reads in the log: one WARN when
 * it starts, one line a minute while it lasts, one INFO when it ends, however often the caller
 * tries again meanwhile. Thread-safe.
 */
public final class OutageLog {
    /** How often a lasting outage is mentioned again. */
    public static final Duration EVERY = Duration.ofMinutes(1);

    private final Logger log;
    private final String what;
    private final Clock clock;
    private Instant since;
    private Instant lastLine;

    /** @param what the thing that is away, as a sentence's subject: "Kafka at localhost:9092" */
    public OutageLog(Logger log, String what, Clock clock) {
        this.log = log;
        this.what = what;
        this.clock = clock;
    }

    /** A try failed; {@code reason} says how (carries no secret). */
    public synchronized void failed(String reason) {
        Instant now = clock.instant();
        if (since == null) {
            since = now;
            lastLine = now;
            log.warn("{} is unreachable ({}); retrying, and saying so once a minute until it answers", what, reason);
        } else if (!now.isBefore(lastLine.plus(EVERY))) {
            lastLine = now;
            log.warn("{} still unreachable after {} ({})", what, text(Duration.between(since, now)), reason);
        }
    }

    /** A try succeeded: ends an outage, if there was one. */
    public synchronized void answered() {
        if (since != null) {
            log.info("{} answers again after {}", what, text(Duration.between(since, clock.instant())));
            since = null;
        }
    }

    /** {@code 45s}, {@code 3m 12s}. */
    static String text(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds < 60 ? seconds + "s" : seconds / 60 + "m " + seconds % 60 + "s";
    }

    /** Whether an outage is going on. */
    public synchronized boolean down() {
        return since != null;
    }
}
