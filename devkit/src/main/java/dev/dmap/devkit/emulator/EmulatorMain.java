package dev.dmap.devkit.emulator;

import picocli.CommandLine;

/** Runs {@link SimCommand}: {@code java -cp ... dev.dmap.devkit.emulator.EmulatorMain --port 1234}. */
public final class EmulatorMain {
    private EmulatorMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimCommand()).execute(args));
    }
}
