package dev.dmap.worker.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How the worker reaches and manages its LLM server: LM Studio, llama.cpp's llama-server, or any
 * OpenAI-compatible server ({@link BackendKind}).
 *
 * @param baseUrl          e.g. {@code http://localhost:1234}
 * @param apiKey           Bearer token when LM Studio requires authentication, else null; never logged
 * @param connectTimeout   TCP connect timeout
 * @param requestTimeout   longest single inference call (a long generation can take minutes)
 * @param loadTimeout      longest model load (a cold 70B load from slow disk takes minutes)
 * @param unloadCooldown   pause between an unload and the next load, so the GPU driver can release
 *                         memory (the article's 3 s, against CUDA error 700 on rapid swaps)
 * @param maxLoadedModels  how many models the server holds at once; loading one more unloads the
 *                         least recently used idle one
 * @param slotsOverride    in-flight requests per model; 0 = read LM Studio's parallel slots
 * @param defaultSlots     slots to assume when the server does not say
 * @param contextMarginTokens tokens kept free in the context check, for chat-template overhead the
 *                         estimate may miss
 * @param probeInitialBackoff first wait before probing a server that is down
 * @param probeMaxBackoff  longest wait between probes
 * @param catalogueTtl     how long the list of the server's models is trusted
 * @param loadFailureMemory how long a model whose load failed (retries spent) is not tried again:
 *                         meanwhile its requests end as {@code model_load_failed} at once, instead
 *                         of each paying the failed loads again; 0 = try again for every request
 * @param kind             which adapter talks to the server; {@link BackendKind#AUTO} probes it
 * @param maxWindow        on a server that does not report its slots (kind {@code openai}), the
 *                         largest in-flight window the worker may try while it searches for the one
 *                         where throughput stops rising; at or below the slots, no search
 */
public record BackendSettings(
        URI baseUrl,
        String apiKey,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration loadTimeout,
        Duration unloadCooldown,
        int maxLoadedModels,
        int slotsOverride,
        int defaultSlots,
        int contextMarginTokens,
        Duration probeInitialBackoff,
        Duration probeMaxBackoff,
        Duration catalogueTtl,
        Duration loadFailureMemory,
        BackendKind kind,
        int maxWindow) {

    public static final URI DEFAULT_URL = URI.create("http://localhost:1234");
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_UNLOAD_COOLDOWN = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_LOADED_MODELS = 1;
    public static final int DEFAULT_SLOTS = 4;
    public static final Duration DEFAULT_PROBE_INITIAL_BACKOFF = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PROBE_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CATALOGUE_TTL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LOAD_FAILURE_MEMORY = Duration.ofMinutes(5);
    public static final int DEFAULT_MAX_WINDOW = 64;

    /** Settings with the default window ceiling. */
    public BackendSettings(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout, Duration loadTimeout,
            Duration unloadCooldown, int maxLoadedModels, int slotsOverride, int defaultSlots, int contextMarginTokens,
            Duration probeInitialBackoff, Duration probeMaxBackoff, Duration catalogueTtl, Duration loadFailureMemory,
            BackendKind kind) {
        this(baseUrl, apiKey, connectTimeout, requestTimeout, loadTimeout, unloadCooldown, maxLoadedModels, slotsOverride,
                defaultSlots, contextMarginTokens, probeInitialBackoff, probeMaxBackoff, catalogueTtl, loadFailureMemory, kind,
                DEFAULT_MAX_WINDOW);
    }

    public BackendSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Durations.requirePositive(connectTimeout, "connectTimeout");
        Durations.requirePositive(requestTimeout, "requestTimeout");
        Durations.requirePositive(loadTimeout, "loadTimeout");
        Durations.requireNonNegative(unloadCooldown, "unloadCooldown");
        Durations.requirePositive(probeInitialBackoff, "probeInitialBackoff");
        Durations.requirePositive(probeMaxBackoff, "probeMaxBackoff");
        Durations.requireNonNegative(catalogueTtl, "catalogueTtl");
        Durations.requireNonNegative(loadFailureMemory, "loadFailureMemory");
        Objects.requireNonNull(kind, "kind");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme())) {
            throw new IllegalArgumentException("backend url must be http or https: " + baseUrl);
        }
        if (maxLoadedModels < 1) {
            throw new IllegalArgumentException("maxLoadedModels must be at least 1");
        }
        if (slotsOverride < 0 || defaultSlots < 1) {
            throw new IllegalArgumentException("slots must be positive (slotsOverride 0 = ask the server)");
        }
        if (maxWindow < 0) {
            throw new IllegalArgumentException("maxWindow must not be negative (0 = no search)");
        }
        if (contextMarginTokens < 0) {
            throw new IllegalArgumentException("contextMarginTokens must not be negative");
        }
        if (probeMaxBackoff.compareTo(probeInitialBackoff) < 0) {
            throw new IllegalArgumentException("probeMaxBackoff must be at least probeInitialBackoff");
        }
        apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey;
    }

    /** Settings from values that may be missing (null, as Spring binds an absent key): each missing value takes its default. */
    public static BackendSettings of(URI baseUrl, String apiKey, Duration connectTimeout, Duration requestTimeout,
            Duration loadTimeout, Duration unloadCooldown, Integer maxLoadedModels, Integer slotsOverride, Integer defaultSlots,
            Integer contextMarginTokens, Duration probeInitialBackoff, Duration probeMaxBackoff, Duration catalogueTtl,
            Duration loadFailureMemory, BackendKind kind, Integer maxWindow) {
        return new BackendSettings(or(baseUrl, DEFAULT_URL), apiKey, or(connectTimeout, DEFAULT_CONNECT_TIMEOUT),
                or(requestTimeout, DEFAULT_REQUEST_TIMEOUT), or(loadTimeout, DEFAULT_LOAD_TIMEOUT),
                or(unloadCooldown, DEFAULT_UNLOAD_COOLDOWN), or(maxLoadedModels, DEFAULT_MAX_LOADED_MODELS),
                or(slotsOverride, 0), or(defaultSlots, DEFAULT_SLOTS), or(contextMarginTokens, 0),
                or(probeInitialBackoff, DEFAULT_PROBE_INITIAL_BACKOFF), or(probeMaxBackoff, DEFAULT_PROBE_MAX_BACKOFF),
                or(catalogueTtl, DEFAULT_CATALOGUE_TTL), or(loadFailureMemory, DEFAULT_LOAD_FAILURE_MEMORY),
                or(kind, BackendKind.AUTO), or(maxWindow, DEFAULT_MAX_WINDOW));
    }

    public static BackendSettings defaults(URI baseUrl) {
        return of(baseUrl, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }


    public BackendSettings withUnloadCooldown(Duration cooldown) {
        return toBuilder().unloadCooldown(cooldown).build();
    }

    public BackendSettings withMaxLoadedModels(int max) {
        return toBuilder().maxLoadedModels(max).build();
    }

    public BackendSettings withBaseUrl(URI url) {
        return toBuilder().baseUrl(url).build();
    }

    public BackendSettings withLoadFailureMemory(Duration memory) {
        return toBuilder().loadFailureMemory(memory).build();
    }

    public BackendSettings withKind(BackendKind backendKind) {
        return toBuilder().kind(backendKind).build();
    }

    public BackendSettings withApiKey(String key) {
        return toBuilder().apiKey(key).build();
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy of settings with some values changed: the one place the withers build a new record. */
    private static final class Builder {
        private URI baseUrl;
        private String apiKey;
        private Duration unloadCooldown;
        private int maxLoadedModels;
        private Duration loadFailureMemory;
        private BackendKind kind;
        private final BackendSettings from;

        Builder(BackendSettings from) {
            this.from = from;
            this.baseUrl = from.baseUrl;
            this.apiKey = from.apiKey;
            this.unloadCooldown = from.unloadCooldown;
            this.maxLoadedModels = from.maxLoadedModels;
            this.loadFailureMemory = from.loadFailureMemory;
            this.kind = from.kind;
        }

        Builder baseUrl(URI value) {
            baseUrl = value;
            return this;
        }

        Builder apiKey(String value) {
            apiKey = value;
            return this;
        }

        Builder unloadCooldown(Duration value) {
            unloadCooldown = value;
            return this;
        }

        Builder maxLoadedModels(int value) {
            maxLoadedModels = value;
            return this;
        }

        Builder loadFailureMemory(Duration value) {
            loadFailureMemory = value;
            return this;
        }

        Builder kind(BackendKind value) {
            kind = value;
            return this;
        }

        BackendSettings build() {
            return new BackendSettings(baseUrl, apiKey, from.connectTimeout, from.requestTimeout, from.loadTimeout, unloadCooldown,
                    maxLoadedModels, from.slotsOverride, from.defaultSlots, from.contextMarginTokens, from.probeInitialBackoff,
                    from.probeMaxBackoff, from.catalogueTtl, loadFailureMemory, kind, from.maxWindow);
        }
    }

    @Override
    public String toString() {
        return "BackendSettings[baseUrl=" + baseUrl + ", apiKey=" + Secrets.mask(apiKey)
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", loadTimeout=" + loadTimeout + ", unloadCooldown=" + unloadCooldown
                + ", maxLoadedModels=" + maxLoadedModels + ", slotsOverride=" + slotsOverride
                + ", defaultSlots=" + defaultSlots + ", contextMarginTokens=" + contextMarginTokens
                + ", probeInitialBackoff=" + probeInitialBackoff + ", probeMaxBackoff=" + probeMaxBackoff
                + ", catalogueTtl=" + catalogueTtl + ", loadFailureMemory=" + loadFailureMemory + ", kind=" + kind.key() + ", maxWindow=" + maxWindow + "]";
    }
}
