package dev.dmap.bench;

import picocli.CommandLine;

/** {@code ./dmap bench}: the benchmarks, in a module of their own (their chart and histogram libraries stay out of {@code local}). */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.setProperty("dmap.log.console", System.getProperty("dmap.log.console", "OFF"));
        CommandLine commandLine = new CommandLine(new BenchCommand());
        commandLine.setCommandName("dmap bench");
        commandLine.setUsageHelpWidth(100);
        System.exit(commandLine.execute(args));
    }
}
