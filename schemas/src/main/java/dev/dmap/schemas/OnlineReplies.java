package dev.dmap.schemas;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The online lane's request-reply contract (Kafka's request-reply pattern, as spring-kafka's
 * {@code ReplyingKafkaTemplate} uses it): a gateway publishes a call as an ordinary request record
 * with a {@value #REPLY_TOPIC} header naming its own reply topic; the record's key, the request id,
 * is the correlation id. The worker that serves it sends, besides the terminal record that lands on
 * the results or dead-letter topic exactly once, fast replies to that topic: the streamed events in
 * small batches ({@value #KIND_CHUNKS}), then the outcome ({@value #KIND_RESULT} or
 * {@value #KIND_DEAD_LETTER}, the same JSON as the terminal record). Replies are sent at once, outside
 * the worker's transaction: they are for the waiting caller, not the record of what happened.
 */
public final class OnlineReplies {
    /** Request header: the topic the caller reads replies from. */
    public static final String REPLY_TOPIC = "dmap_reply_topic";
    /** Reply header: what the reply carries, one of the {@code KIND_} values. */
    public static final String KIND = "dmap_reply";
    public static final String KIND_CHUNKS = "chunks";
    public static final String KIND_RESULT = "result";
    public static final String KIND_DEAD_LETTER = "dead_letter";

    private OnlineReplies() {
    }

    /**
     * Streamed events of one attempt, in order.
     *
     * @param attempt which serving of the request they come from (worker and a counter); a caller
     *                that sees a second attempt after forwarding text from the first ends the
     *                stream with an error rather than repeat text
     * @param seq     0, 1, 2... within the attempt
     * @param events  the server-sent events' data, as the backend sent them
     * @param types   each event's SSE {@code event:} name, or null where it had none (same length as events)
     */
    public record Chunks(String attempt, long seq, List<String> events, List<String> types) {
        public byte[] encode() {
            return MessageCodec.encode(MessageCodec.mapper().valueToTree(this));
        }

        public static Chunks decode(byte[] value) {
            return MessageCodec.mapper().readValue(value, Chunks.class);
        }
    }

    /** The reply topic a request record asks for, or null. */
    public static String replyTopic(Headers headers) {
        return text(headers.lastHeader(REPLY_TOPIC));
    }

    /** The kind of a reply record, or null. */
    public static String kind(Headers headers) {
        return text(headers.lastHeader(KIND));
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
