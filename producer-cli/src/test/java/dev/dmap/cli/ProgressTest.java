package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void shouldWritePlainLinesAtMostOncePerIntervalAndOneAtTheEndWithoutCarriageReturns() {
        StringWriter text = new StringWriter();
        MovableClock clock = new MovableClock();
        Progress.LineProgress progress = new Progress.LineProgress("Submitting", 100, new PrintWriter(text), clock,
                Duration.ofSeconds(10));

        progress.stepTo(10);
        clock.now = T0.plusSeconds(5);
        progress.stepTo(20);
        clock.now = T0.plusSeconds(10);
        progress.stepTo(30);
        clock.now = T0.plusSeconds(12);
        progress.stepTo(40);
        progress.close();

        assertThat(text.toString()).doesNotContain("\r")
                .isEqualTo(String.format("Submitting: 30 of 100 (30.0%%)%nSubmitting: 40 of 100 (40.0%%)%n"));
    }

    @Test
    void shouldNotRepeatTheLastLineOnClose() {
        StringWriter text = new StringWriter();
        MovableClock clock = new MovableClock();
        Progress.LineProgress progress = new Progress.LineProgress("Collecting b1", 2, new PrintWriter(text), clock,
                Duration.ofSeconds(10));
        clock.now = T0.plusSeconds(10);
        progress.stepTo(2);

        progress.close();

        assertThat(text.toString()).isEqualTo(String.format("Collecting b1: 2 of 2 (100.0%%)%n"));
    }

    @Test
    void shouldShowNothingWhenNotWanted() {
        assertThat(Progress.open("Submitting", 10, false)).isSameAs(Progress.NONE);
    }

    @Test
    void shouldNotDrawABarWhenStderrIsNotATerminal() {
        // surefire runs tests without a console: the case of a log file or a CI job
        assertThat(System.console()).isNull();
        assertThat(Progress.open("Submitting", 10, true)).isInstanceOf(Progress.LineProgress.class);
    }

    private static final class MovableClock extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
