package dev.dmap.worker.backend;

import java.util.List;

/**
 * What a streamed call gave: the events the server sent, or, from a server that answered with one
 * JSON body although asked to stream, that reply.
 *
 * @param whole  the reply of a server that did not stream, or null
 * @param events the events in order, or null when {@code whole} is set
 */
public record StreamedReply(HttpReply whole, List<ServerSentEvents.Event> events) {
}
