package dev.dmap.devkit.emulator;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sim}: runs the LM Studio emulator in the foreground until Ctrl-C. Options left out
 * keep {@link EmulatorConfig}'s defaults, so the defaults live in one place.
 */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the LM Studio EMULATOR: a development and test tool that imitates LM Studio's server"
                + " (OpenAI-compatible /v1, native /api/v0 and /api/v1). It is not LM Studio and its completions are"
                + " deterministic filler."})
public class SimCommand implements Callable<Integer> {
    /** LM Studio's default port. */
    static final int DEFAULT_PORT = 1234;

    @Spec
    CommandSpec spec;

    @Option(names = "--host", description = "Address to bind (default: " + EmulatorConfig.DEFAULT_HOST + ").")
    String host;
    @Option(names = "--port", description = "Port (default: " + DEFAULT_PORT + ", LM Studio's).")
    int port = DEFAULT_PORT;
    @Option(names = "--model", paramLabel = "ID:SIZE:CTX[:embedding]",
            description = "A catalogue model, e.g. qwen2.5-7b-instruct:4.7GB:32768; repeatable; replaces the default catalogue.")
    List<String> models = new ArrayList<>();
    @Option(names = "--models-file", paramLabel = "FILE",
            description = "JSON array of model objects (key, type, size_bytes, max_context_length, publisher, architecture,"
                    + " quantization, params_string); replaces the default catalogue.")
    Path modelsFile;
    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory budget for loaded models, e.g. 8GB (default: 8GB).")
    String memory;
    @Option(names = "--slots", description = "Parallel predictions per loaded instance (default: "
            + EmulatorConfig.DEFAULT_PARALLEL_SLOTS + ").")
    Integer slots;
    @Option(names = "--context-length", description = "Context of loads that ask for none (default: "
            + EmulatorConfig.DEFAULT_CONTEXT_LENGTH + ").")
    Integer contextLength;
    @Option(names = "--load-speed", paramLabel = "RATE", description = "Load speed, e.g. 1.5GB/s (default: 1.5GB/s).")
    String loadSpeed;
    @Option(names = "--prefill-tps", description = "Prompt tokens per second (default: "
            + EmulatorConfig.DEFAULT_PREFILL_TOKENS_PER_SECOND + ").")
    Double prefillTps;
    @Option(names = "--decode-tps", description = "Generated tokens per second per stream (default: "
            + EmulatorConfig.DEFAULT_DECODE_TOKENS_PER_SECOND + ").")
    Double decodeTps;
    @Option(names = "--no-jit", description = "Turn JIT loading off: inference needs an explicitly loaded model.")
    boolean noJit;
    @Option(names = "--no-auto-evict", description = "Keep earlier JIT-loaded models when JIT loads another.")
    boolean noAutoEvict;
    @Mixin
    TimeScaleOption timeScale = new TimeScaleOption(1);
    @Option(names = "--api-key", defaultValue = "${env:LM_API_TOKEN}",
            description = "Require 'Authorization: Bearer KEY' (default: env LM_API_TOKEN; none = auth off).")
    String apiKey;
    @Option(names = "--fail-rate", description = "Fraction of inference calls answered with --fail-status.")
    Double failRate;
    @Option(names = "--fail-status", description = "5xx status for --fail-rate (default: 500).")
    Integer failStatus;
    @Option(names = "--drop-rate", description = "Fraction of inference calls whose connection is dropped.")
    Double dropRate;
    @Option(names = "--fail-load", paramLabel = "MODEL", description = "Loads of this model fail; repeatable.")
    List<String> failLoads = new ArrayList<>();
    @Option(names = "--seed", description = "Seed for completions and fault draws (default: 0).")
    Long seed;

    @Override
    public Integer call() throws InterruptedException {
        EmulatorConfig config = toConfig();
        LmStudioEmulator emulator = LmStudioEmulator.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }, "lmstudio-emulator-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.print(banner(emulator));
        out.flush();
        stopped.await();
        return 0;
    }

    /** The configuration these options describe. */
    EmulatorConfig toConfig() {
        EmulatorConfig.Builder builder = EmulatorConfig.builder().port(port).jit(!noJit).autoEvict(!noAutoEvict)
                .apiKey(apiKey == null || apiKey.isBlank() ? null : apiKey);
        List<EmulatedModel> catalogue = new ArrayList<>();
        if (modelsFile != null) {
            catalogue.addAll(ModelCatalogueFile.read(modelsFile));
        }
        models.forEach(model -> catalogue.add(EmulatedModel.parse(model)));
        if (!catalogue.isEmpty()) {
            builder.models(catalogue);
        }
        if (host != null) builder.host(host);
        if (memory != null) builder.memoryBudgetBytes(ByteSize.parse(memory));
        if (slots != null) builder.parallelSlots(slots);
        if (contextLength != null) builder.defaultContextLength(contextLength);
        if (loadSpeed != null) builder.loadBytesPerSecond(ByteSize.parseRate(loadSpeed));
        if (prefillTps != null) builder.prefillTokensPerSecond(prefillTps);
        if (decodeTps != null) builder.decodeTokensPerSecond(decodeTps);
        builder.timeScale(timeScale.value());
        if (seed != null) builder.seed(seed);
        builder.faults(faults());
        return builder.build();
    }

    private Faults faults() {
        Faults faults = new Faults();
        if (failRate != null) faults.serverErrorRate(failRate);
        if (failStatus != null) faults.serverErrorStatus(failStatus);
        if (dropRate != null) faults.dropRate(dropRate);
        faults.failLoads(failLoads.toArray(String[]::new));
        return faults;
    }

    /** The startup banner: unmistakably the emulator, with its URL and catalogue. */
    static String banner(LmStudioEmulator emulator) {
        EmulatorConfig c = emulator.config();
        String rule = "=".repeat(78) + "\n";
        StringBuilder text = new StringBuilder(rule)
                .append("  LM Studio EMULATOR  (dmap devkit: a development and test tool, NOT LM Studio)\n")
                .append("  Completions are deterministic filler text starting with \"").append(ContentGenerator.PREFIX.trim())
                .append("\".\n")
                .append("  Listening on ").append(emulator.baseUrl()).append("   (/v1, /api/v0, /api/v1)\n")
                .append("  Control surface: ").append(emulator.baseUrl()).append("/__emulator/stats\n")
                .append(String.format(Locale.ROOT, "  Memory %s, %d slots, context %d, JIT %s, auto-evict %s, time scale %s, auth %s%n",
                        ByteSize.format(c.memoryBudgetBytes()), c.parallelSlots(), c.defaultContextLength(),
                        c.jit() ? "on" : "off", c.autoEvict() ? "on" : "off", c.timeScale(),
                        c.apiKey() == null ? "off" : "on"))
                .append("  Catalogue:\n");
        c.models().forEach(m -> text.append(String.format(Locale.ROOT, "    %-44s %-9s %9s  max ctx %d%n",
                m.key(), m.type(), ByteSize.format(m.sizeBytes()), m.maxContextLength())));
        Duration example = Duration.ofNanos(Math.round(
                (c.loadOverhead().toNanos() + c.models().get(0).sizeBytes() / c.loadBytesPerSecond() * 1e9)));
        text.append("  Loading ").append(c.models().get(0).key()).append(" takes ").append(example.toMillis() / 1000.0)
                .append(" s simulated.\n  Press Ctrl-C to stop.\n").append(rule);
        return text.toString();
    }
}
