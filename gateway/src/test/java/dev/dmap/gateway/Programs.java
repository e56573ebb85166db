package dev.dmap.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs programs nobody here wrote (node, python, curl) for the gateway's tests. */
final class Programs {
    private Programs() {
    }

    /** Runs {@code command} in {@code workDir}; fails unless it exits 0 within five minutes. Returns its standard output. */
    static String run(List<String> command, Path workDir, Map<String, String> env) throws Exception {
        Path stdout = Files.createTempFile(workDir, "stdout-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(stdout.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not end within 5 minutes: " + Files.readString(stdout));
        }
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s: %s", command.get(0), out).isZero();
        return out;
    }

    static boolean onPath(String program) {
        try {
            return new ProcessBuilder(program, "--version").redirectErrorStream(true).start().waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false;
        }
    }
}
