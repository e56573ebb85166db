package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import dev.dmap.schemas.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OutageLogTest {
    private final MutableClock clock = new MutableClock();

    @Test
    void shouldSayOnceWhenItStartsOnceAMinuteWhileItLastsAndOnceWhenItEnds() {
        Logger logger = (Logger) LoggerFactory.getLogger("outage-log-test");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        OutageLog outage = new OutageLog(logger, "Kafka at b:9092", clock);

        for (int second = 0; second <= 150; second++) { // a try every second for two and a half minutes
            outage.failed("connection refused");
            clock.advance(Duration.ofSeconds(1));
        }
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
