package dev.dmap.bench;

import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
import java.net.URI;
import java.time.Duration;

/**
 * The server both paths of the online benchmark call: the LM Studio EMULATOR, or a real llama-server in
 * router mode holding one model at a time (so that a call for another model swaps, as on a GPU). Request
 * bodies for the real engine ask for exactly {@code max_tokens} ({@code ignore_eos}), so both paths do
 * the same work.
 */
interface OnlineTarget extends AutoCloseable {
    URI baseUrl();

    /** The model the bulk batch uses, and another. */
    String modelA();

    String modelB();

    /** The worker's unload cooldown: the article's 3 s on the emulator (a GPU's), none on the CPU engine. */
    Duration cooldown();

    /** What the report calls it. */
    String describe();

    /** A chat body for this server. */
    String chat(String model, String text, int maxTokens, boolean stream);

    @Override
    void close();

    static OnlineTarget emulator(double timeScale) {
        LmStudioEmulator gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(timeScale).build());
        return new OnlineTarget() {
            public URI baseUrl() {
                return gpu.baseUrl();
            }

            public String modelA() {
                return "qwen2.5-7b-instruct";
            }

            public String modelB() {
                return "meta-llama-3.1-8b-instruct";
            }

            public Duration cooldown() {
                return Duration.ofSeconds(3);
            }

            public String describe() {
                return String.format(java.util.Locale.ROOT, "LM Studio EMULATOR at time scale %.2f, 4 slots", timeScale);
            }

            public String chat(String model, String text, int maxTokens, boolean stream) {
                return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + (stream ? ",\"stream\":true" : "")
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
            }

            public void close() {
                gpu.close();
            }
        };
    }

    static OnlineTarget realEngine() {
        if (!LlamaServer.installed()) {
            throw new IllegalStateException("the online benchmark on the real engine needs " + LlamaServer.installHint());
        }
        LlamaServer server = LlamaServer.router(1, FreePorts.next(), "--parallel", "4");
        String version = LlamaServer.version().orElse("llama-server");
        return new OnlineTarget() {
            public URI baseUrl() {
                return server.baseUrl();
            }

            public String modelA() {
                return LlamaServer.SPM_64;
            }

            public String modelB() {
                return LlamaServer.QWEN2TOK_128;
            }

            public Duration cooldown() {
                return Duration.ZERO;
            }

            public String describe() {
                return version + " (router, one model at a time, `--parallel 4`, CPU, tiny generated models)";
            }

            public String chat(String model, String text, int maxTokens, boolean stream) {
                return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"ignore_eos\":true"
                        + (stream ? ",\"stream\":true" : "") + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
            }

            public void close() {
                server.close();
            }
        };
    }
}
