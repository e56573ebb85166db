package dev.dmap.bench.chaos;

import dev.dmap.client.ClientException;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OnlineCalls;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.Decoded;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import tools.jackson.databind.node.ObjectNode;

/**
 * A steady trickle of online calls through the client library's {@link OnlineCalls}, as the gateway
 * makes them: it remembers the calls Kafka confirmed, those whose publishing was not confirmed, and
 * those whose caller had its reply.
 */
final class ChaosCalls {
    /** This traffic's own calls (the gateway names its calls {@code call-...}). */
    static final String CALL_PREFIX = "chaos-call-";
    private static final Duration BETWEEN_CALLS = Duration.ofMillis(500);
    /** Long enough that no call expires during a fault: an expired call would be a fault's dead letter. */
    private static final Duration CALL_DEADLINE = Duration.ofMinutes(30);

    private final KafkaConnection kafka;
    private final Random random;
    private final Clock clock;
    private final Set<String> confirmed;
    private final Set<String> unconfirmed;
    private final Set<String> callIds = ConcurrentHashMap.newKeySet();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final CountDownLatch callerClosed = new CountDownLatch(1);
    private final Thread thread = new Thread(this::makeCalls, "chaos-calls");
    private volatile String replyTopic;
    private volatile boolean running = true;

    /**
     * @param confirmed   where a call Kafka confirmed goes (it must end exactly once)
     * @param unconfirmed where a call whose publishing was not confirmed goes (it may end at most once)
     */
    ChaosCalls(KafkaConnection kafka, long seed, Clock clock, Set<String> confirmed, Set<String> unconfirmed) {
        this.kafka = kafka;
        this.random = new Random(seed ^ 0xCA11L);
        this.clock = clock;
        this.confirmed = confirmed;
        this.unconfirmed = unconfirmed;
    }

    void start() {
        thread.start();
    }

    /** No new calls; the caller still reads the replies of the calls it made, until {@link #close}. */
    void stop() {
        running = false;
    }

    /** Closes the caller (its reply topic goes with it). */
    void close() throws InterruptedException {
        running = false;
        callerClosed.countDown();
        thread.join(Duration.ofMinutes(1).toMillis());
    }

    int answered() {
        return answered.size();
    }

    /** Calls Kafka confirmed whose caller has not had their reply (yet): a caller through the gateway would time out. */
    Set<String> unanswered() {
        Set<String> ids = new TreeSet<>(callIds);
        ids.removeAll(answered);
        return ids;
    }

    /** The caller's reply topic, null before it started; it is deleted at {@link #close}. */
    String replyTopic() {
        return replyTopic;
    }

    private void makeCalls() {
        try (OnlineCalls calls = OnlineCalls.start(kafka, OnlineCalls.newCallerId(), Limits.DEFAULT_MAX_REQUEST_BYTES)) {
            replyTopic = calls.replyTopic();
            RequestDecoder decoder = new RequestDecoder();
            while (running) {
                Request request = call(decoder);
                try {
                    calls.call(request, true, new OnlineCalls.Listener() {
                        @Override
                        public void chunks(OnlineReplies.Chunks chunks) {
                        }

                        @Override
                        public void result(Result result) {
                            answered.add(request.id());
                        }

                        @Override
                        public void deadLetter(DeadLetter deadLetter) {
                            answered.add(request.id());
                        }
                    });
                    confirmed.add(request.id());
                    callIds.add(request.id());
                } catch (ClientException e) {
                    unconfirmed.add(request.id()); // it may have landed after all: at most one outcome is fine
                }
                pause();
            }
            callerClosed.await(); // the replies of the last calls still count, as a caller waiting for them would
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClientException e) {
            throw new IllegalStateException("the online caller could not start: " + e.getMessage(), e);
        }
    }

    private Request call(RequestDecoder decoder) {
        ObjectNode line = MessageCodec.mapper().createObjectNode();
        String id = CALL_PREFIX + UUID.randomUUID();
        Instant now = clock.instant();
        line.put("custom_id", id);
        line.put("url", "/v1/chat/completions");
        ObjectNode body = line.putObject("body");
        body.put("model", ChaosTraffic.MODELS.get(random.nextInt(ChaosTraffic.MODELS.size())));
        body.put("max_tokens", 8);
        body.putArray("messages").addObject().put("role", "user").put("content", "a call " + id);
        line.put("submitted_at", now.toString());
        line.put("deadline", now.plus(CALL_DEADLINE).toString());
        line.put("priority", 1000);
        return ((Decoded.Valid) decoder.decode(line)).request();
    }

    private void pause() {
        try {
            Thread.sleep(BETWEEN_CALLS.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
