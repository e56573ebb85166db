package dev.dmap.bench;

import org.HdrHistogram.Histogram;

/** Latencies in an HdrHistogram (microsecond resolution, three significant digits), read back as percentiles in seconds. */
final class Latencies {
    private static final double MICROS = 1e6;

    private final Histogram histogram = new Histogram(3);

    void add(double seconds) {
        histogram.recordValue(Math.max(0, Math.round(seconds * MICROS)));
    }

    /** The mean, in seconds; 0 when nothing was recorded. */
    double mean() {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getMean() / MICROS;
    }

    int count() {
        return (int) histogram.getTotalCount();
    }

    /** @param percent for example 99.0; 0 when nothing was recorded */
    double percentile(double percent) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percent) / MICROS;
    }
}
