package dev.dmap.gateway.api;

import dev.dmap.schemas.MessageCodec;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Limits that hold before a request is read: at most {@code maxPerClient} requests of one client
 * address in progress at once (the rest answer 429 with {@code Retry-After}), so that one client's
 * slow uploads cannot hold every request thread; and a body whose declared length is over its
 * endpoint's limit answers 413 before a byte of it is read. {@code /health} is never limited.
 */
final class ClientLimits extends OncePerRequestFilter {
    private final int maxPerClient;
    private final long maxFileSize;
    private final long maxUploadBytes;
    private final long maxJsonBytes;
    private final Map<String, AtomicInteger> inProgress = new ConcurrentHashMap<>();

    /**
     * @param maxPerClient   requests in progress per client address; 0 for no limit (behind a proxy that limits)
     * @param maxFileSize    the largest file an upload ({@code POST /v1/files}) may carry
     * @param maxUploadBytes the largest declared body of an upload: the file and its multipart envelope
     * @param maxJsonBytes   the largest declared body of any other call
     */
    ClientLimits(int maxPerClient, long maxFileSize, long maxUploadBytes, long maxJsonBytes) {
        this.maxPerClient = maxPerClient;
        this.maxFileSize = maxFileSize;
        this.maxUploadBytes = maxUploadBytes;
        this.maxJsonBytes = maxJsonBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getRequestURI().equals("/health")) {
            chain.doFilter(request, response);
            return;
        }
        long limit = isUpload(request) ? maxUploadBytes : maxJsonBytes;
        if (request.getContentLengthLong() > limit) {
            refuse(response, isUpload(request) ? ApiError.tooLarge("file", ErrorAnswers.fileTooLarge(maxFileSize))
                    : ApiError.bodyTooLarge("The request body is " + request.getContentLengthLong() + " bytes; this gateway takes "
                            + "at most " + limit + " bytes here."));
            return;
        }
        if (!isUpload(request) && request.getContentLengthLong() < 0) {
            request = new BoundedBody(request, maxJsonBytes); // chunked: counted as it is read
        }
        if (maxPerClient <= 0 || isCall(request)) {
            chain.doFilter(request, response); // an online call holds no thread while it waits: Calls bounds them
            return;
        }
        String client = request.getRemoteAddr();
        AtomicInteger count = inProgress.computeIfAbsent(client, c -> new AtomicInteger());
        try {
            if (count.incrementAndGet() > maxPerClient) {
                response.setHeader("Retry-After", "1");
                refuse(response, ApiError.tooManyRequests("More than " + maxPerClient
                        + " requests of this client are in progress; try again when one has ended."));
                return;
            }
            chain.doFilter(request, response);
        } finally {
            if (count.decrementAndGet() == 0) {
                inProgress.remove(client, count);
            }
        }
    }

    private static boolean isCall(HttpServletRequest request) {
        String path = request.getRequestURI();
        return "POST".equals(request.getMethod()) && (path.equals("/v1/chat/completions") || path.equals("/v1/completions")
                || path.equals("/v1/embeddings") || path.equals("/v1/responses"));
    }

    private static boolean isUpload(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && request.getRequestURI().equals("/v1/files");
    }

    /** The error in OpenAI's shape, written here: a filter runs before the controllers' error handling. */
    private static void refuse(HttpServletResponse response, ApiError error) throws IOException {
        response.setStatus(error.status().value());
        response.setContentType("application/json");
        byte[] body = MessageCodec.mapper().writeValueAsBytes(error.body());
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
