package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The exit-code list has one home: {@code --help} prints it, and README.md's table has the same codes. */
class ExitCodesHelpTest {
    @Test
    void shouldPrintEveryExitCodeInHelp() {
        StringWriter out = new StringWriter();
        CommandLine cli = DmapCli.commandLine(new DmapCli());
        cli.setOut(new PrintWriter(out));

        int exit = cli.execute("--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("Exit codes:");
        ExitCodes.HELP.forEach((code, meaning) -> assertThat(out.toString()).contains(code.trim()).contains(meaning));
    }

    @Test
    void shouldListTheSameCodesInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String table = readme.substring(readme.indexOf("## Exit codes"), readme.indexOf("## ", readme.indexOf("## Exit codes") + 3));
        Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\|").matcher(table);
        List<String> codes = row.results().map(r -> r.group(1)).toList();

        assertThat(codes).containsExactlyElementsOf(ExitCodes.HELP.keySet().stream().map(String::trim).toList());
    }
}
