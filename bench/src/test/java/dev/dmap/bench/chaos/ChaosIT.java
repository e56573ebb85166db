package dev.dmap.bench.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The randomized fault run's short form, with a fixed seed: three brokers, three workers and
 * their backends broken at random for two minutes under batches, online calls, collects and a
 * gateway's users (calls and batches over HTTP). The long form
 * is {@code ./dmap chaos} (docs/reliability.md).
 */
class ChaosIT {

    @Test
    void shouldEndEveryRequestExactlyOnceThroughTwoMinutesOfRandomFaults() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int exit;
        try (PrintStream both = new PrintStream(new TeeStream(original, captured), true, StandardCharsets.UTF_8)) {
            System.setOut(both);
            exit = new CommandLine(new ChaosCommand()).execute("--minutes", "2", "--seed", "20261207", "--settle", "5",
                    "--dir", Files.createTempDirectory(Path.of("target"), "chaos-").toString());
        } finally {
            System.setOut(original);
        }
        String report = captured.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("seed 20261207").contains("fault 3:").contains("| lost | 0 |")
                .contains("| duplicated | 0 |").contains("| batches not terminal | none |")
                .contains("| calls without a reply to their caller | 0 |").containsPattern("\\| batches collected \\| (\\d+) of \\1 ")
                .containsPattern("\\| gateway \\| up; calls: \\d+ answered, \\d+ refused \\{.*\\}, 0 without an answer; batches: (\\d+) of \\1 ended");
        assertThat(exit).as(report).isZero();
    }

    /** Writes to two streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }
    }
}
