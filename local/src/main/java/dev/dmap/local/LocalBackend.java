package dev.dmap.local;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.emulator.TimeScaleOption;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.WorkerConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The inference server of a local command ({@code run}, {@code serve}): a real one at
 * {@code --backend-url}, or the LM Studio emulator with {@code --sim}; and the worker's settings for it.
 */
public final class LocalBackend {
    @Option(names = "--sim", description = "Use the built-in LM Studio emulator (synthetic completions, for trying dmap).")
    boolean sim;

    @Option(names = {"--backend-url", "--lmstudio-url"}, defaultValue = "${env:DMAP_BACKEND_URL:-http://localhost:1234}",
            description = "The inference server; its kind is detected (default: ${DEFAULT-VALUE}, LM Studio's).")
    URI backendUrl;

    @Option(names = "--api-key", defaultValue = "${env:LM_API_TOKEN}", description = "The server's API token, if it requires one (default: $LM_API_TOKEN).")
    String apiKey;

    @Mixin
    TimeScaleOption timeScale = new TimeScaleOption(0.1); // with --sim only

    boolean sim() {
        return sim;
    }

    /** Fails with one clear line (exit 3) when the real server does not answer; nothing to check with --sim. */
    void requireReachable() {
        if (!sim) {
            BackendCheck.require(backendUrl, apiKey);
        }
    }

    /** The emulator with --sim (announced as such on {@code err}), else null. */
    LmStudioEmulator startEmulatorIfSim(PrintWriter err) {
        if (!sim) {
            return null;
        }
        LmStudioEmulator emulator = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(timeScale.value()).build());
        err.printf("LM Studio EMULATOR at %s (a development tool: completions are synthetic; time scale %s)%n",
                emulator.baseUrl(), timeScale.value());
        return emulator;
    }

    /** A worker of group {@code groupId} on this broker, calling the emulator (when given) or the server. */
    WorkerConfig workerConfig(String bootstrapServers, String groupId, LmStudioEmulator emulator) {
        URI backend = emulator != null ? emulator.baseUrl() : backendUrl;
        WorkerConfig config = WorkerConfig.defaults("local-worker", bootstrapServers, backend)
                .withKafka(KafkaSettings.defaults(bootstrapServers).withGroupId(groupId));
        config = config.withBackend(config.backend().withApiKey(apiKey));
        if (sim) {
            // the emulated GPU runs on emulated time, and so do the durations the scheduler weighs against
            // it: the cooldown (the GPU driver releasing memory), max-wait, min-hold and the batch window,
            // as in `dmap bench`
            config = config.withBackend(config.backend().withUnloadCooldown(scaled(config.backend().unloadCooldown())));
            config = config.withScheduling(config.scheduling().withMaxWait(scaled(config.scheduling().maxWait()),
                    scaled(config.scheduling().minHold())).withBatchWindow(scaled(config.scheduling().batchWindow())));
        }
        return config;
    }

    /**
     * An emulated duration in real time. At time scale 0 the emulated work takes no time at all, so a
     * bound in emulated time would be no bound: the configured durations stay as they are.
     */
    private Duration scaled(Duration emulated) {
        if (timeScale.value() == 0) {
            return emulated;
        }
        Duration real = Duration.ofNanos((long) (emulated.toNanos() * timeScale.value()));
        return emulated.isZero() || real.toMillis() >= 1 ? real : Duration.ofMillis(1);
    }
}
