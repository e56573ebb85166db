package dev.dmap.local;

import dev.dmap.cli.CliException;
import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.schemas.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dmap real-engine}: a real llama.cpp llama-server on loopback with the tiny generated models,
 * in the foreground until Ctrl-C, for trying dmap on software nobody here wrote. Builds the engine
 * first if it is not in the cache yet.
 */
@Command(name = "real-engine", mixinStandardHelpOptions = true,
        description = {"Run a real llama.cpp llama-server on 127.0.0.1 with tiny generated models (random weights:",
                "gibberish text, real tokenization, slots, context limits and errors) until Ctrl-C.",
                "Builds it first into ~/.cache/dmap/llama-server if needed (about 6 min on 2 idle cores)."})
public class RealEngineCommand implements Callable<Integer> {
    private static final Path SETUP = Path.of("engines", "llama-server", "setup.sh");

    @Option(names = "--port", defaultValue = "8080", description = "Port (default: ${DEFAULT-VALUE}, llama-server's).")
    int port;

    @Option(names = "--router", description = "Router mode: all three models, loaded and unloaded on request.")
    boolean router;

    @Option(names = "--models-max", defaultValue = "1", description = "Router mode: models held at once (default: ${DEFAULT-VALUE}).")
    int modelsMax;

    @Option(names = "--model", defaultValue = LlamaServer.SPM_64,
            description = "Single-model mode: which one, of " + LlamaServer.SPM_64 + ", " + LlamaServer.QWEN2TOK_128
                    + ", " + LlamaServer.LLAMA3TOK_256 + " (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--parallel", defaultValue = "4", description = "Parallel slots per model (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!LlamaServer.installed()) {
            install(err);
        }
        String slots = Integer.toString(parallel);
        try (LlamaServer server = router ? LlamaServer.router(modelsMax, port, "--parallel", slots)
                : LlamaServer.single(model, port, "--parallel", slots)) {
            err.printf("llama-server (real engine, %s) at %s: %s%n", LlamaServer.version().orElse("version unknown"),
                    server.baseUrl(), router ? "router mode over " + LlamaServer.MODELS + ", at most " + modelsMax
                            + " loaded" : "single model " + model);
            err.printf("Point dmap at it: ./dmap run FILE.jsonl -o out.jsonl --backend-url %s%n", server.baseUrl());
            err.printf("Its log: %s. Ctrl-C stops it.%n", server.log());
            err.flush();
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }));
            stopped.await();
        }
        return ExitCodes.OK;
    }

    private static void install(PrintWriter err) throws IOException, InterruptedException {
        if (!Files.isRegularFile(SETUP)) {
            throw new CliException(ExitCodes.INVALID_INPUT, "llama-server is not built in " + LlamaServer.cache()
                    + "; run engines/llama-server/setup.sh from the dmap repository");
        }
        err.println("llama-server is not built yet: running " + SETUP + " (about 6 min on 2 idle cores)...");
        err.flush();
        int exit = new ProcessBuilder("bash", SETUP.toString()).inheritIO().start().waitFor();
        if (exit != 0 || !LlamaServer.installed()) {
            throw new CliException(ExitCodes.INTERNAL, SETUP + " failed (exit " + exit + "); see its output above");
        }
    }
}
