package dev.dmap.devkit.emulator;

import picocli.CommandLine.Option;

/**
 * {@code --time-scale}, defined once for every command that runs the emulator ({@code sim}, {@code run
 * --sim}, {@code bench}); each command picks its default. A command declares it as
 * {@code @Mixin TimeScaleOption timeScale = new TimeScaleOption(0.1);}.
 */
public final class TimeScaleOption {
    @Option(names = "--time-scale", paramLabel = "SCALE",
            description = "Real seconds per emulated second: 0.1 runs the emulated GPU 10x faster, 0 = no delay"
                    + " (default: ${DEFAULT-VALUE}).")
    private double value;

    public TimeScaleOption(double defaultValue) {
        this.value = defaultValue;
    }

    /** Picocli's constructor, for a command that leaves the field unset: real time. */
    public TimeScaleOption() {
        this(1);
    }

    public double value() {
        return value;
    }
}
