package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU pinning with {@code taskset}: the engine alone on core 0, everything else (this JVM: broker,
 * worker, callers) on the other cores, so that a comparison measures dmap and not CPU taken from
 * the engine. Every thread of a process is pinned; threads started later inherit it.
 */
final class Pinning {
    private Pinning() {
    }

    /** Whether pinning can work here: {@code taskset} exists and there are at least two cores. */
    static boolean possible() {
        return Runtime.getRuntime().availableProcessors() >= 2
                && (Files.isExecutable(Path.of("/usr/bin/taskset")) || Files.isExecutable(Path.of("/bin/taskset")));
    }

    /** The cores other than the engine's, as taskset reads them: {@code 1-N}. */
    static String others() {
        int cores = Runtime.getRuntime().availableProcessors();
        return cores == 2 ? "1" : "1-" + (cores - 1);
    }

    /** Pins every thread of {@code pid} to {@code cores} (taskset's list, e.g. {@code 0} or {@code 1-3}). */
    static void pin(long pid, String cores) throws IOException, InterruptedException {
        Process taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cores, Long.toString(pid))
                .redirectErrorStream(true).start();
        String output = new String(taskset.getInputStream().readAllBytes());
        if (taskset.waitFor() != 0) {
            throw new IllegalStateException("taskset could not pin process " + pid + " to cores " + cores + ": " + output.strip());
        }
    }
}
