package dev.dmap.bench;

import dev.dmap.devkit.engine.DeskPrompts;
import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.worker.config.BackendKind;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code dmap bench real-engine-pinned}: dmap against a direct client on a real llama-server pinned
 * alone to core 0 (broker, worker and callers on the others), the two paths alternated
 * {@link #ROUNDS} times in one run, on two workloads: short requests (32 tokens out) and long
 * prompts (20 system prompts of about 850 tokens, 25 questions each, interleaved, 4 tokens out).
 * Both paths send the same bodies with the same concurrency, the server's 4 slots. Then the router
 * comparison, pinned the same way: three models on a router with room for one, dmap against a
 * sort-by-model script, alternated.
 */
final class PinnedEngineBenchmark {
    static final int ROUNDS = 3;
    static final double TARGET = 0.97;
    /** The router comparison's goal: dmap's makespan at most this many times the sort-by-model script's. */
    static final double ROUTER_TARGET = 1.05;
    private static final String ROUTER = "router";
    private static final ReportSection SECTION = new ReportSection("pinned-engine-benchmark");

    /** One workload's alternated runs, in seconds. */
    record Workload(String name, int requests, List<Double> direct, List<Double> dmap) {
        double ratio() {
            return mean(direct) / mean(dmap); // throughput of dmap over the direct client's
        }
    }

    private final RealEngineBenchmark engine;
    private final PrintWriter progress;
    private final int requests;

    PinnedEngineBenchmark(RealEngineBenchmark engine, PrintWriter progress, int requests) {
        this.engine = engine;
        this.progress = progress;
        this.requests = requests;
    }

    void run(Path report) throws Exception {
        if (!LlamaServer.installed()) {
            throw new IllegalStateException("the real-engine benchmark needs " + LlamaServer.installHint());
        }
        boolean pinned = Pinning.possible();
        if (pinned) {
            Pinning.pin(ProcessHandle.current().pid(), Pinning.others());
        }
        List<RealEngineBenchmark.Call> shorts = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            shorts.add(RealEngineBenchmark.call(LlamaServer.SPM_64, "Throughput request " + i
                    + ": explain why a batch of prompts needs a queue.", 32));
        }
        List<RealEngineBenchmark.Call> longs = new ArrayList<>();
        for (int question = 0; question < 25; question++) {
            for (int prompt = 0; prompt < 20; prompt++) {
                longs.add(RealEngineBenchmark.call(LlamaServer.LLAMA3TOK_256, DeskPrompts.systemPrompt(prompt, 3_400),
                        "Question " + question + " for desk " + prompt + "?", 4));
            }
        }
        List<Workload> workloads = List.of(
                alternate("short requests (32 tokens out)", LlamaServer.SPM_64, shorts, pinned),
                alternate("long prompts (about 850-token system prompts, 4 tokens out)", LlamaServer.LLAMA3TOK_256, longs, pinned));
        write(report, workloads, router(pinned), pinned);
    }

    /**
     * The router comparison: three models interleaved on a router with room for one (2 slots), a
     * sort-by-model script against dmap, each round on a fresh router (no model loaded), alternated.
     * Both times include the three loads: the script's is its wall time, dmap's from its first
     * request's start to its last result.
     */
    private Workload router(boolean pinned) throws Exception {
        List<RealEngineBenchmark.Call> calls = RealEngineBenchmark.routerCalls(Math.max(1, requests / 10));
        List<Double> script = new ArrayList<>();
        List<Double> dmap = new ArrayList<>();
        for (int round = 0; round <= ROUNDS; round++) { // round 0 warms both paths up
            try (LlamaServer server = routerOn(pinned)) {
                double took = RealEngineBenchmark.sortByModel(server.baseUrl(), calls).took().toNanos() / 1e9;
                if (round > 0) {
                    script.add(took);
                }
            }
            try (LlamaServer server = routerOn(pinned)) {
                double took = engine.throughWorker(server.baseUrl(), BackendKind.AUTO, LlamaServer.MODELS, calls,
                        "pinned-router-" + round).makespan().toNanos() / 1e9;
                if (round > 0) {
                    dmap.add(took);
                    progress.printf(Locale.ROOT, "  router, round %d: script %.2f s, dmap %.2f s%n", round,
                            script.get(round - 1), took);
                    progress.flush();
                }
            }
        }
        return new Workload(ROUTER, calls.size(), script, dmap);
    }

    private static LlamaServer routerOn(boolean pinned) throws IOException, InterruptedException {
        LlamaServer server = LlamaServer.router(1, FreePorts.next(), "--parallel", "2");
        if (pinned) {
            Pinning.pin(server.pid(), "0"); // the model instances it starts inherit the core
        }
        return server;
    }

    private Workload alternate(String name, String model, List<RealEngineBenchmark.Call> calls, boolean pinned) throws Exception {
        List<String> bodies = calls.stream().map(RealEngineBenchmark.Call::body).toList();
        List<Double> direct = new ArrayList<>();
        List<Double> dmap = new ArrayList<>();
        try (LlamaServer server = LlamaServer.single(model, FreePorts.next(), "--parallel", "4", "-c", "8192")) {
            if (pinned) {
                Pinning.pin(server.pid(), "0");
            }
            DirectLoad.send(server.baseUrl(), RealEngineBenchmark.CHAT, bodies.subList(0, bodies.size() / 4), 4); // warm-up
            engine.throughWorker(server.baseUrl(), BackendKind.AUTO, List.of(model), calls.subList(0, calls.size() / 4), "warm-up");
            for (int round = 1; round <= ROUNDS; round++) {
                direct.add(DirectLoad.send(server.baseUrl(), RealEngineBenchmark.CHAT, bodies, 4).took().toNanos() / 1e9);
                dmap.add(engine.throughWorker(server.baseUrl(), BackendKind.AUTO, List.of(model), calls, "pinned-" + round)
                        .workSpan().toNanos() / 1e9);
                progress.printf(Locale.ROOT, "  %s, round %d: direct %.2f s, dmap %.2f s%n", name, round,
                        direct.get(round - 1), dmap.get(round - 1));
                progress.flush();
            }
        }
        return new Workload(name, calls.size(), direct, dmap);
    }

    private void write(Path report, List<Workload> workloads, Workload router, boolean pinned) throws IOException {
        StringBuilder text = new StringBuilder("## On a real engine, pinned: dmap against a direct client, alternated\n\n");
        text.append(String.format(Locale.ROOT, "Reproduce: `./dmap bench real-engine-pinned --requests %d` (llama.cpp "
                + "llama-server, tiny generated models, CPU, `--threads 1 --parallel 4 -c 8192`; %s). The two paths alternate "
                + "%d times in one run after a warm-up of both; the same bodies, 4 at a time on both (the direct client's 4 "
                + "callers, dmap's window of the server's 4 slots); every request generates exactly `max_tokens`. The direct "
                + "client's time is its wall time; dmap's runs from its first backend call to its last result.%n%n", requests,
                pinned ? "the engine pinned alone to core 0 with `taskset`, broker, worker and callers on the other cores"
                        : "**not pinned**: taskset or a second core is missing", ROUNDS));
        text.append("| workload | requests | direct client, s (rounds) | dmap, s (rounds) | dmap's throughput / direct's (mean; spread) |\n")
                .append("|---|---|---|---|---|\n");
        for (Workload workload : workloads) {
            double low = Double.MAX_VALUE;
            double high = 0;
            for (int i = 0; i < workload.direct().size(); i++) {
                double ratio = workload.direct().get(i) / workload.dmap().get(i);
                low = Math.min(low, ratio);
                high = Math.max(high, ratio);
            }
            text.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | **%.3f×** (%.3f–%.3f) |%n", workload.name(),
                    workload.requests(), seconds(workload.direct()), seconds(workload.dmap()), workload.ratio(), low, high));
        }
        text.append(String.format(Locale.ROOT, "%nTarget, dmap ≥ %.2f × the direct client's throughput, engine pinned: ", TARGET));
        List<String> verdicts = new ArrayList<>();
        for (Workload workload : workloads) {
            verdicts.add(String.format(Locale.ROOT, "%s **%s** (%.3f×)", workload.name(),
                    workload.ratio() >= TARGET ? "met" : "missed", workload.ratio()));
        }
        text.append(String.join("; ", verdicts)).append(".\n");
        double makespans = mean(router.dmap()) / mean(router.direct());
        text.append(String.format(Locale.ROOT, "%n| %s | requests | script, s (rounds) | dmap, s (rounds) | dmap's makespan / "
                + "the script's |%n|---|---|---|---|---|%n| llama-server router, `--models-max 1 --parallel 2`, 16 tokens "
                + "out | %d | %s | %s | **%.3f×** |%n%nBoth include the three model loads (a fresh router each round, after a "
                + "warm-up round of both): the script's time is its wall time, sending each model's requests in turn with 2 "
                + "callers; dmap's runs from its first request's start to its last result. Target, ≤ %.2f × the script's: "
                + "**%s** (%.3f×).%n", "router comparison", router.requests(), seconds(router.direct()), seconds(router.dmap()),
                makespans, ROUTER_TARGET, makespans <= ROUTER_TARGET ? "met" : "missed", makespans));
        SECTION.write(report, text.toString());
        progress.print(text);
    }

    private static String seconds(List<Double> values) {
        return String.join(", ", values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
