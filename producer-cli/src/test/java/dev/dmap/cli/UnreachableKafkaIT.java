package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.ExitCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command run as a user runs it, in its own JVM, against an address where no broker listens:
 * it exits 3 with one line on stderr that names the servers it tried, and the Kafka clients' WARN
 * lines go to the log file, not the console.
 */
class UnreachableKafkaIT {
    @TempDir
    static Path dir;
    private static String nowhere;
    private static Path batchFile;

    @BeforeAll
    static void pickAnAddressWithoutABroker() throws Exception {
        nowhere = "127.0.0.1:" + FreePorts.next(); // nothing listens there
        batchFile = Files.writeString(dir.resolve("batch.jsonl"), "{\"custom_id\":\"q1\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit FILE", "status", "collect --batch-id b1 -o OUT", "cancel b1", "dlq list", "dlq replay"})
    void shouldExitThreeWithOneLineNamingTheServersAndKeepClientWarningsOffTheConsole(String command) throws Exception {
        Path log = dir.resolve(command.replaceAll("\\W+", "-") + ".log");
        List<String> args = new ArrayList<>(List.of(javaBinary(), "-cp", System.getProperty("java.class.path"),
                "dev.dmap.cli.DmapCli"));
        for (String word : command.split(" ")) {
            args.add(word.replace("FILE", batchFile.toString()).replace("OUT", dir.resolve("out.jsonl").toString()));
        }
        args.addAll(List.of("--bootstrap-servers", nowhere, "--kafka-timeout", "2s", "--no-progress"));
        if (!command.startsWith("submit") && !command.startsWith("collect")) {
            args.remove("--no-progress");
        }
        ProcessBuilder builder = new ProcessBuilder(args).redirectErrorStream(false);
        builder.environment().put("DMAP_LOG_FILE", log.toString());
        Process process = builder.start();
        process.getOutputStream().close();

        boolean ended = process.waitFor(2, TimeUnit.MINUTES); // a guard against a hang, not a speed goal
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(ended).as("the command ended").isTrue();
        assertThat(process.exitValue()).as(stderr).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(stderr.lines().toList()).singleElement().asString()
                .startsWith("dmap: cannot reach Kafka at " + nowhere).contains("--bootstrap-servers");
        assertThat(Files.readString(log)).as("the Kafka clients' own lines").contains("WARN");
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
