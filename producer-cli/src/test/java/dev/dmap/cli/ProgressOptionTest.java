package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProgressOptionTest {

    @Test
    void shouldDrawProgressUnlessToldNotTo() {
        assertThat(submit().progress).isTrue();
        assertThat(submit("--no-progress").progress).isFalse();
        assertThat(collect().progress).isTrue();
        assertThat(collect("--no-progress").progress).isFalse();
    }

    private static SubmitCommand submit(String... options) {
        SubmitCommand command = new SubmitCommand();
        new CommandLine(command).parseArgs(with(options, "in.jsonl"));
        return command;
    }

    private static CollectCommand collect(String... options) {
        CollectCommand command = new CollectCommand();
        new CommandLine(command).parseArgs(with(options, "--batch-id", "b1", "-o", "out.jsonl"));
        return command;
    }

    private static String[] with(String[] options, String... required) {
        String[] all = new String[options.length + required.length];
        System.arraycopy(options, 0, all, 0, options.length);
        System.arraycopy(required, 0, all, options.length, required.length);
        return all;
    }
}
