package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The cache benchmark's section of docs/benchmarks.md. */
record CacheReport(double timeScale, int requests, List<CacheBenchmark.Run> runs, CacheBenchmark.Lookup lookup,
        CacheAtScale.Figures scale) {
    private static final ReportSection SECTION = new ReportSection("cache-benchmark");

    void writeInto(Path report) throws IOException {
        StringBuilder text = new StringBuilder("## Response cache: a batch run again with 10 % of its lines changed\n\n");
        text.append(format("Reproduce: `./dmap bench cache --time-scale %s --requests %d --entries %d` (LM Studio **emulator**, "
                + "4 slots, room for one model; one worker with its defaults; %d cores shared by the broker, the worker and the "
                + "emulator).%n%n", timeScale, requests, scale.entries(), Runtime.getRuntime().availableProcessors()));
        CacheBenchmark.Run measuredA = run("measured-a");
        CacheBenchmark.Run measuredB = run("measured-b");
        text.append(format("**The issue's measurement again** (300 lines: 200 distinct with `temperature: 0`, 40 repeating 10 of "
                + "them under new ids, 60 sampled at 0.9; submitted twice): **%d backend calls for the first batch and %d for "
                + "the second** (before the cache: 300 and 300; ideal: 260 and 60).%n%n", measuredA.calls(), measuredB.calls()));
        text.append(format("%,d greedy chats over three models, then the same file with the first model's first %,d lines "
                + "changed (10 %%), once with `--cache off` and once with the cache on (the default):%n%n", requests, requests / 10))
                .append("| batch | backend calls | model loads | from the cache | submit → last outcome |\n|---|---|---|---|---|\n");
        for (CacheBenchmark.Run run : runs.subList(2, runs.size())) {
            text.append(format("| %s | %,d | %d | %,d | %.1f s |%n", run.name(), run.calls(), run.loads(), run.hits(), run.seconds()));
        }
        CacheBenchmark.Run off = run("second-cache-off");
        CacheBenchmark.Run on = run("second-cache-on");
        double ratio = on.seconds() / off.seconds();
        text.append(format("%nTargets: the second batch makes exactly the %,d changed calls: **%s** (%,d); loads only the models "
                + "those need (one): **%s** (%d); finishes in ≤ 0.15 × the time without the cache: **%s** (%.3f×).%n%n",
                requests / 10, on.calls() == requests / 10 ? "met" : "missed", on.calls(), on.loads() <= 1 ? "met" : "missed",
                on.loads(), ratio <= 0.15 ? "met" : "missed", ratio));
        text.append(format("A worker's time with the cache per request at intake (the key, the lookup, a hit's result), over "
                + "%,d requests: mean %.1f µs, p99 %.1f µs, max %.1f µs. Target ≤ 1 ms: **%s**.%n%n", lookup.requests(),
                lookup.meanMicros(), lookup.p99Micros(), lookup.maxMicros(), lookup.p99Micros() <= 1000 ? "met" : "missed"));
        text.append(format("**At %,d entries** (written to the cache topic, then read into a fresh local copy as a starting "
                + "worker does): read in %.1f s; %,.0f MB of stored answers, %,.0f MB on disk (RocksDB, compressed); heap after GC "
                + "%.0f MB before, %.0f MB with the million entries, %.0f MB after %s random lookups (mean %.1f µs, p99 %.1f µs). "
                + "Target, heap flat at a million entries: **%s**.%n", scale.entries(), scale.loadSeconds(),
                scale.storedBytes() / 1e6, scale.diskBytes() / 1e6, scale.heapBeforeMb(), scale.heapAfterMb(),
                scale.heapAfterLookupsMb(), "200,000", scale.lookupMeanMicros(), scale.lookupP99Micros(),
                scale.heapAfterLookupsMb() - scale.heapBeforeMb() < 64 ? "met" : "missed"));
        SECTION.write(report, text.toString());
    }

    private CacheBenchmark.Run run(String name) {
        return runs.stream().filter(run -> run.name().equals(name)).findFirst().orElseThrow();
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
