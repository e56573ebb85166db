package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageLogTest {
    private final Instant t0 = Instant.parse("2026-12-07T10:00:00Z");
    private Instant now = t0;
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void shouldSayOnceWhenItStartsOnceAMinuteWhileItLastsAndOnceWhenItEnds() {
        Logger logger = (Logger) LoggerFactory.getLogger("outage-log-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        OutageLog outage = new OutageLog(logger, "Kafka at b:9092", clock);

        for (int second = 0; second <= 150; second++) { // a try every second for two and a half minutes
            now = t0.plusSeconds(second);
            outage.failed("connection refused");
        }
        now = t0.plus(Duration.ofSeconds(151));
        outage.answered();
        outage.answered();

        assertThat(lines.list).extracting(ILoggingEvent::getLevel)
                .containsExactly(Level.WARN, Level.WARN, Level.WARN, Level.INFO);
        assertThat(lines.list.get(0).getFormattedMessage()).startsWith("Kafka at b:9092 is unreachable (connection refused)");
        assertThat(lines.list.get(2).getFormattedMessage()).contains("still unreachable after 2m 0s");
        assertThat(lines.list.get(3).getFormattedMessage()).isEqualTo("Kafka at b:9092 answers again after 2m 31s");
        assertThat(outage.down()).isFalse();
    }
}
