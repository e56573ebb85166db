package dev.dmap.worker.loop;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The W3C trace context headers of a request record, to carry to the backend call. */
final class TraceHeaders {
    private static final String[] NAMES = {"traceparent", "tracestate"};

    private TraceHeaders() {
    }

    static Map<String, String> from(Headers headers) {
        Map<String, String> found = new HashMap<>();
        for (String name : NAMES) {
            Header header = headers.lastHeader(name);
            if (header != null && header.value() != null) {
                found.put(name, new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return found;
    }
}
