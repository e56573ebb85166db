package dev.dmap.worker.backend;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads a {@code text/event-stream} body line by line (the WHATWG rules dmap's backends use: {@code event:}, {@code data:}, blank line). */
public final class ServerSentEvents {
    /** The end marker OpenAI-compatible servers send as the last event's data. */
    public static final String DONE = "[DONE]";

    /** One event: its {@code event:} name (or null) and its data. */
    public record Event(String type, String data) {
    }

    private ServerSentEvents() {
    }

    /**
     * Reads events until {@code [DONE]} or the end of the body, handing each to {@code sink}; stops
     * with {@link CallCancelled} as soon as the sink's caller has gone (closing the body then
     * closes the connection, which stops the server's generation).
     */
    static List<Event> read(Iterator<String> lines, EventSink sink) {
        List<Event> events = new ArrayList<>();
        String type = null;
        StringBuilder data = null;
        while (lines.hasNext()) {
            if (sink.cancelled()) {
                throw new CallCancelled("the caller went away while the answer was streamed");
            }
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    String text = data.toString();
                    if (DONE.equals(text)) {
                        return events;
                    }
                    Event event = new Event(type, text);
                    events.add(event);
                    sink.event(type, text);
                }
                type = null;
                data = null;
            } else if (line.startsWith("data:")) {
                String value = field(line, 5);
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (line.startsWith("event:")) {
                type = field(line, 6);
            }
        }
        if (data != null && !DONE.contentEquals(data)) {
            Event event = new Event(type, data.toString());
            events.add(event);
            sink.event(type, event.data());
        }
        return events;
    }

    private static String field(String line, int from) {
        return line.length() > from && line.charAt(from) == ' ' ? line.substring(from + 1) : line.substring(from);
    }
}
