package dev.dmap.devkit.emulator;

import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * Faults to inject into a running emulator; thread-safe and changeable at any time (the
 * change applies to the next call). An "inference call" is a POST to a chat, completion or
 * embedding endpoint; listings, loads and unloads are never failed by the rates here, only
 * by {@link #failLoads(String...)} and {@link #loadSlowdown(double)}.
 *
 * <p>Order of precedence for an inference call: a pending {@link #failNext(int, int)} first,
 * then the drop rate, then the server-error rate. Random draws come from a generator seeded
 * by the emulator's seed, so a single-threaded test sees the same faults on every run.
 */
public final class Faults {
    /** Status used for {@link #serverErrorRate(double)} unless changed. */
    public static final int DEFAULT_SERVER_ERROR_STATUS = 500;
    /** Factor 1 means loads take the configured time. */
    public static final double DEFAULT_LOAD_SLOWDOWN = 1.0;

    private double serverErrorRate;
    private int serverErrorStatus = DEFAULT_SERVER_ERROR_STATUS;
    private double dropRate;
    private double loadSlowdown = DEFAULT_LOAD_SLOWDOWN;
    private final Set<String> failingLoads = new TreeSet<>();
    private int failNextCount;
    private int failNextStatus;
    private Random random = new Random(0);

    /** What to do with one inference call. */
    enum Kind { NONE, ERROR, DROP }

    /** The decision for one inference call; {@code status} is meaningful for {@link Kind#ERROR} only. */
    record Decision(Kind kind, int status) {
        static final Decision NONE = new Decision(Kind.NONE, 0);
    }

    /** Fraction (0..1) of inference calls answered with {@link #serverErrorStatus()}. */
    public synchronized Faults serverErrorRate(double rate) {
        this.serverErrorRate = checkFraction(rate, "serverErrorRate");
        return this;
    }

    /** The 5xx status for {@link #serverErrorRate(double)}; default 500. */
    public synchronized Faults serverErrorStatus(int status) {
        if (status < 500 || status > 599) {
            throw new IllegalArgumentException("serverErrorStatus must be 5xx, was " + status);
        }
        this.serverErrorStatus = status;
        return this;
    }

    /** Fraction (0..1) of inference calls whose connection is closed without any response. */
    public synchronized Faults dropRate(double rate) {
        this.dropRate = checkFraction(rate, "dropRate");
        return this;
    }

    /** Every load of these model keys (explicit or JIT) fails with {@code model_load_failed}. */
    public synchronized Faults failLoads(String... modelKeys) {
        failingLoads.addAll(Arrays.asList(modelKeys));
        return this;
    }

    public synchronized Faults clearFailLoads() {
        failingLoads.clear();
        return this;
    }

    /** Multiplies every load time; 1 is normal, 10 is ten times slower. Must be positive. */
    public synchronized Faults loadSlowdown(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("loadSlowdown must be a positive number, was " + factor);
        }
        this.loadSlowdown = factor;
        return this;
    }

    /** The next {@code n} inference calls are answered with {@code status} (4xx or 5xx), deterministically. */
    public synchronized Faults failNext(int n, int status) {
        if (n < 0 || status < 400 || status > 599) {
            throw new IllegalArgumentException("failNext needs n >= 0 and a 4xx/5xx status, was " + n + ", " + status);
        }
        this.failNextCount = n;
        this.failNextStatus = status;
        return this;
    }

    /** Back to no faults at all. */
    public synchronized Faults reset() {
        serverErrorRate = 0;
        serverErrorStatus = DEFAULT_SERVER_ERROR_STATUS;
        dropRate = 0;
        loadSlowdown = DEFAULT_LOAD_SLOWDOWN;
        failingLoads.clear();
        failNextCount = 0;
        return this;
    }

    public synchronized double serverErrorRate() {
        return serverErrorRate;
    }

    public synchronized int serverErrorStatus() {
        return serverErrorStatus;
    }

    public synchronized double dropRate() {
        return dropRate;
    }

    public synchronized double loadSlowdown() {
        return loadSlowdown;
    }

    public synchronized Set<String> failingLoads() {
        return Set.copyOf(failingLoads);
    }

    public synchronized int pendingFailures() {
        return failNextCount;
    }

    synchronized boolean loadFails(String modelKey) {
        return failingLoads.contains(modelKey);
    }

    synchronized void seed(long seed) {
        this.random = new Random(seed);
    }

    /** Draws the fate of one inference call and consumes a pending {@code failNext} if any. */
    synchronized Decision nextInferenceDecision() {
        if (failNextCount > 0) {
            failNextCount--;
            return new Decision(Kind.ERROR, failNextStatus);
        }
        if (dropRate > 0 && random.nextDouble() < dropRate) {
            return new Decision(Kind.DROP, 0);
        }
        if (serverErrorRate > 0 && random.nextDouble() < serverErrorRate) {
            return new Decision(Kind.ERROR, serverErrorStatus);
        }
        return Decision.NONE;
    }

    @Override
    public synchronized String toString() {
        return "Faults[serverErrorRate=" + serverErrorRate + ", serverErrorStatus=" + serverErrorStatus
                + ", dropRate=" + dropRate + ", loadSlowdown=" + loadSlowdown + ", failLoads=" + failingLoads
                + ", failNext=" + failNextCount + "x" + failNextStatus + "]";
    }

    private static double checkFraction(double value, String name) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be within 0..1, was " + value);
        }
        return value;
    }
}
