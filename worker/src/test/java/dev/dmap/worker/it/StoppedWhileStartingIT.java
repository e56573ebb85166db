package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.net.FreePorts;
import java.io.File;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker stopped while it is still starting (here: waiting for a Kafka that is not there, whose
 * client timeouts run to a minute) exits at once with one short report, as Ctrl-C should.
 */
class StoppedWhileStartingIT {
    private Process worker;

    @AfterEach
    void cleanUp() {
        if (worker != null) {
            worker.destroyForcibly();
        }
    }

    @Test
    void shouldExitAtOnceWhenStoppedWhileWaitingForKafka() throws Exception {
        File log = new File("target/stopped-while-starting.log");
        worker = WorkerProcess.start(List.of("--dmap.kafka.bootstrap-servers=127.0.0.1:" + FreePorts.next(),
                "--dmap.backend.url=http://127.0.0.1:" + FreePorts.next()), log);
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.readString(log.toPath()).contains("Starting worker"));

        worker.destroy(); // SIGTERM, which runs the same shutdown hooks as Ctrl-C's SIGINT
        boolean exited = worker.waitFor(20, TimeUnit.SECONDS); // Kafka's own timeouts here are 60 s and more

        String output = Files.readString(log.toPath());
        assertThat(exited).as(output).isTrue();
        assertThat(output).contains("dmap worker: stopped (Ctrl-C or SIGTERM) while it was starting")
                .doesNotContain("\tat org.apache.kafka");
    }
}
