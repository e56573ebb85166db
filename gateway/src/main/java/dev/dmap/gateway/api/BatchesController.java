package dev.dmap.gateway.api;

import dev.dmap.client.Durations;
import dev.dmap.gateway.Quoted;
import dev.dmap.gateway.batches.Batches;
import dev.dmap.gateway.batches.GatewayBatch;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import dev.dmap.schemas.Endpoint;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** OpenAI's Batches API: create, retrieve, cancel, list. */
@RestController
@RequestMapping("/v1/batches")
class BatchesController {
    private static final String SUPPORTED = String.join(", ", java.util.Arrays.stream(Endpoint.values()).map(Endpoint::path).toList());
    private final Batches batches;
    private final FileStore files;

    BatchesController(Batches batches, FileStore files) {
        this.batches = batches;
        this.files = files;
    }

    @PostMapping
    Map<String, Object> create(@RequestAttribute(Authentication.OWNER) String owner,
            @RequestAttribute(Authentication.MAX_PRIORITY) int maxPriority, @RequestBody Map<String, Object> body) {
        String inputFileId = text(body, "input_file_id");
        String endpoint = endpoint(text(body, "endpoint"));
        String windowText = text(body, "completion_window");
        Duration window = window(windowText);
        StoredFile input = files.find(owner, inputFileId)
                .orElseThrow(() -> ApiError.invalid("input_file_id", "No such File object: " + inputFileId));
        if (!"batch".equals(input.purpose())) {
            throw ApiError.invalid("input_file_id", "File " + inputFileId + " has purpose '" + input.purpose() + "', not 'batch'.");
        }
        GatewayBatch batch = batches.create(owner, input, endpoint, window, metadata(body.get("metadata")),
                outputExpiresAfter(body.get("output_expires_after")), windowText, maxPriority);
        return BatchView.of(batch, List.of(), batches.state(batch), null, false);
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@RequestAttribute(Authentication.OWNER) String owner, @PathVariable("id") String id) {
        GatewayBatch batch = find(owner, id);
        return BatchView.of(batch, batches.errors(batch), batches.state(batch), batches.outputProblem(id).orElse(null),
                batches.cancelRequested(batch));
    }

    @PostMapping("/{id}/cancel")
    Map<String, Object> cancel(@RequestAttribute(Authentication.OWNER) String owner, @PathVariable("id") String id) {
        GatewayBatch published = batches.cancel(find(owner, id)); // never waits for the batch to be published
        Map<String, Object> view = BatchView.of(published, batches.stateSoFar(published));
        view.put("status", "cancelling");
        return view;
    }

    @GetMapping
    Map<String, Object> list(@RequestAttribute(Authentication.OWNER) String owner,
            @RequestParam(name = "limit", required = false) Integer limit, @RequestParam(name = "after", required = false) String after) {
        return Pages.page(batches.list(owner), limit, after, GatewayBatch::id, batch -> BatchView.of(batch, batches.errors(batch), batches.stateSoFar(batch), null,
                batches.cancelRequested(batch)),
                Pages.MAX_LIMIT);
    }

    /** Deletes an ended batch's record (dmap's own call: OpenAI has none); 409 while it runs. */
    @DeleteMapping("/{id}")
    Map<String, Object> delete(@RequestAttribute(Authentication.OWNER) String owner, @PathVariable("id") String id) {
        batches.delete(find(owner, id));
        return Map.of("id", id, "object", "batch", "deleted", true);
    }

    private GatewayBatch find(String owner, String id) {
        return batches.find(owner, id).orElseThrow(() -> ApiError.notFound("No batch found with id '" + id + "'."));
    }

    private static String endpoint(String endpoint) {
        if (endpoint.equals("/v1/moderations")) {
            throw ApiError.invalid("endpoint", "dmap does not serve /v1/moderations: no local backend offers it. "
                    + "Supported: " + SUPPORTED + ".");
        }
        return Endpoint.fromPath(endpoint).map(Endpoint::path).orElseThrow(() -> ApiError.invalid("endpoint",
                "dmap does not serve " + endpoint + " in batches. Supported: " + SUPPORTED + "."));
    }

    /** The shortest completion window taken: shorter ones cannot be planned for (a model load alone may take minutes). */
    static final Duration MIN_WINDOW = Duration.ofHours(1);
    /** The longest completion window taken: OpenAI's is 24 h; a month bounds how long a batch holds the fleet's attention. */
    static final Duration MAX_WINDOW = Duration.ofDays(30);

    /**
     * The CLI's duration syntax ({@code 24h}, {@code 90m}, {@code 7d}, {@code PT30M}), from {@link #MIN_WINDOW}
     * to {@link #MAX_WINDOW}; the refusal quotes at most a short prefix of what was sent.
     */
    static Duration window(String text) {
        try {
            Duration window = Durations.parse(text);
            if (window.compareTo(MIN_WINDOW) >= 0 && window.compareTo(MAX_WINDOW) <= 0) {
                return window;
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw ApiError.invalid("completion_window", "completion_window must be a duration from 1h to 30d, such as 24h, 90m or 7d, "
                + "not " + Quoted.prefix(text) + ".");
    }

    private static Map<String, String> metadata(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?> map) || map.size() > 16) {
            throw ApiError.invalid("metadata", "metadata must be an object of at most 16 string values.");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        map.forEach((key, item) -> {
            if (!(item instanceof String text) || key.toString().length() > 64 || text.length() > 512) {
                throw ApiError.invalid("metadata", "metadata values must be strings (keys up to 64, values up to 512 characters).");
            }
            metadata.put(key.toString(), text);
        });
        try {
            dev.dmap.gateway.batches.CacheMetadata.of(metadata);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("metadata", e.getMessage() + ".");
        }
        return metadata;
    }

    private static Long outputExpiresAfter(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map && map.get("anchor") != null) {
            return ExpiresAfter.seconds(map.get("anchor"), map.get("seconds"), "output_expires_after");
        }
        throw ExpiresAfter.invalid("output_expires_after");
    }

    private static String text(Map<String, Object> body, String field) {
        if (!(body.get(field) instanceof String text) || text.isBlank()) {
            throw ApiError.invalid(field, "Missing required parameter: '" + field + "'.");
        }
        return text;
    }
}
