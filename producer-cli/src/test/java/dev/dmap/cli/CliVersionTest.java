package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliVersionTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "submit", "collect", "status", "cancel", "dlq"})
    void shouldPrintTheProjectVersionOnEveryCommandWithoutTouchingKafka(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = DmapCli.commandLine(new DmapCli());
        cli.setOut(new PrintWriter(out, true));
        String[] args = command.isEmpty() ? new String[] {"--version"} : new String[] {command, "--version"};

        int exit = cli.execute(args);

        assertThat(exit).isZero();
        assertThat(out.toString().trim()).matches("dmap \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
