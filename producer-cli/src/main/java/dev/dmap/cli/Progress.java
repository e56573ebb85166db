package dev.dmap.cli;

import dev.dmap.client.ProgressListener;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on stderr, so that stdout stays clean for scripts: a bar redrawn in place when stderr is
 * a terminal, else a plain line every {@link LineProgress#INTERVAL} (a bar's {@code \r} frames
 * would fill a log file or a CI console). Safe to call from several threads.
 */
public interface Progress extends AutoCloseable {
    /** Nothing shown (--no-progress). */
    Progress NONE = new Progress() {
        @Override
        public void stepTo(long done) {
        }

        @Override
        public void close() {
        }
    };

    /** Records that {@code done} of the total are done. */
    void stepTo(long done);

    @Override
    void close();

    /**
     * A listener of the client library that opens a bar ({@link #open}) when the call knows its total
     * and closes it when the call is over.
     */
    static ProgressListener listener(String task, boolean wanted) {
        return new ProgressListener() {
            private Progress bar = Progress.NONE;

            @Override
            public synchronized void started(long total) {
                bar = open(task, total, wanted);
            }

            @Override
            public synchronized void advanced(long done) {
                bar.stepTo(done);
            }

            @Override
            public synchronized void finished() {
                bar.close();
            }
        };
    }

    /** A bar on a terminal, periodic lines otherwise, nothing unless {@code wanted}. */
    static Progress open(String task, long total, boolean wanted) {
        if (!wanted) {
            return NONE;
        }
        if (stderrIsTerminal()) {
            return bar(task, total);
        }
        return new LineProgress(task, total, new PrintWriter(System.err, true), Clock.systemUTC(), LineProgress.INTERVAL);
    }

    private static Progress bar(String task, long total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250)
                .showSpeed()
                .build();
        return new Progress() {
            @Override
            public void stepTo(long done) {
                bar.stepTo(done);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /**
     * Whether a person watches stderr: there is a console (Java 17 has one only when both stdin and
     * stdout are terminals), and, on Java 22 and later where a console always exists, it says it is
     * a terminal.
     */
    static boolean stderrIsTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22 a console means a terminal
        }
    }

    /** A line like {@code Submitting: 1200 of 5000 (24.0%)} at most every {@code interval}, and one at the end. */
    final class LineProgress implements Progress {
        static final Duration INTERVAL = Duration.ofSeconds(10);

        private final String task;
        private final long total;
        private final PrintWriter out;
        private final Clock clock;
        private final Duration interval;
        private long done;
        private long shown = -1;
        private java.time.Instant lastShown;

        LineProgress(String task, long total, PrintWriter out, Clock clock, Duration interval) {
            this.task = task;
            this.total = total;
            this.out = out;
            this.clock = clock;
            this.interval = interval;
            this.lastShown = clock.instant();
        }

        @Override
        public synchronized void stepTo(long done) {
            this.done = Math.max(this.done, done);
            if (!clock.instant().isBefore(lastShown.plus(interval))) {
                show();
            }
        }

        @Override
        public synchronized void close() {
            if (shown != done) {
                show();
            }
        }

        private void show() {
            out.printf("%s: %d of %d (%.1f%%)%n", task, done, total, total == 0 ? 100.0 : 100.0 * done / total);
            out.flush();
            shown = done;
            lastShown = clock.instant();
        }
    }
}
