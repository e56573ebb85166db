package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.client.BatchFile;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.Submitter;
import dev.dmap.devkit.engine.DeskPrompts;
import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Shared prompt prefixes on a real engine: two workers, each with its own llama-server whose prefix
 * cache is only its two slots ({@code --cache-ram 0}), serve a batch of 6 long system prompts x 40
 * questions, interleaved. In arrival order (records keyed by id, as a plain producer sends them)
 * every worker sees every prefix and the slots keep losing it; submitted with {@code dmap submit}'s
 * client, each prefix goes to one partition and each worker serves a prefix's requests back to
 * back. The engines' own count of prompt tokens they evaluated ({@code /metrics}) decides: counts,
 * not times.
 */
class PrefixAffinityIT {
    private static final Logger log = LoggerFactory.getLogger(PrefixAffinityIT.class);
    private static final String MODEL = LlamaServer.LLAMA3TOK_256;
    private static final int PREFIXES = 6;
    private static final int QUESTIONS = 40;
    private static final Pattern PROMPT_TOKENS = Pattern.compile("(?m)^llamacpp:prompt_tokens_total\\s+([0-9.e+]+)$");

    @TempDir
    Path dir;

    @Test
    void shouldHaveTheEnginesEvaluateFewerPromptTokensWhenPrefixesAreKeptTogetherThanInArrivalOrder() throws Exception {
        RealEngine.require();
        long arrival = evaluatedPromptTokens(Publish.ARRIVAL);
        long ordered = evaluatedPromptTokens(Publish.SPREAD_BATCH);
        long together = evaluatedPromptTokens(Publish.SUBMIT);

        log.info("prompt tokens the two engines evaluated for {} requests: arrival order {}; one batch spread by id, each worker"
                + " serving its prefixes back to back {}; submitted (prefixes placed together and back to back) {} ({}x arrival)",
                PREFIXES * QUESTIONS, arrival, ordered, together, String.format("%.2f", together / (double) arrival));
        assertThat(together).as("prompt tokens evaluated with prefixes kept together, against arrival order (%d)", arrival)
                .isLessThan(arrival * 7 / 10);
    }

    /** How the batch reaches Kafka. */
    private enum Publish {
        /** Records keyed by id, no submission time: a plain producer; each request its own place. */
        ARRIVAL,
        /** Keyed by id, so every worker sees every prefix, but one batch: the workers group what they get. */
        SPREAD_BATCH,
        /** Through the client library, as {@code dmap submit}. */
        SUBMIT
    }

    /** Runs the batch on two fresh engines and returns the prompt tokens they evaluated together. */
    private long evaluatedPromptTokens(Publish publish) throws Exception {
        List<LlamaServer> engines = new ArrayList<>();
        try (WorkerFixture fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01)) {
            for (int i = 0; i < 2; i++) {
                engines.add(LlamaServer.single(MODEL, FreePorts.next(), "-c", "4096", "--parallel", "2",
                        "--cache-ram", "0", "--metrics"));
            }
            fixture.kafka.createRequestTopics(Set.of(MODEL), 6);
            for (int i = 0; i < engines.size(); i++) {
                WorkerConfig config = fixture.config("prefix-" + (i + 1), engines.get(i).baseUrl(), Map.of());
                // a load costs nothing here (one model each, always loaded): the idle worker takes half the backlog
                fixture.startWorker(config.withScheduling(SchedulingSettings.of(null, null, null, null, 1L, null, null)));
            }
            List<String> lines = lines();
            if (publish == Publish.SUBMIT) {
                Path file = Files.write(dir.resolve("prefixes.jsonl"), lines);
                new Submitter(KafkaConnection.of(fixture.bootstrapServers, fixture.topics.prefix()), Clock.systemUTC())
                        .submit(BatchFile.read(file), "prefixes");
            } else {
                String batch = ",\"batch_id\":\"spread\",\"submitted_at\":\"" + java.time.Instant.now() + "\"}";
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    fixture.kafka.publishAsync(MODEL, "q" + i, publish == Publish.ARRIVAL ? line
                            : line.substring(0, line.length() - 1) + batch);
                }
                fixture.kafka.flush();
            }
            await().atMost(Duration.ofMinutes(3)).until(() -> fixture.kafka.results().size() >= lines.size());
            assertThat(fixture.kafka.deadLetters()).isEmpty();
            assertThat(fixture.kafka.results()).extracting(result -> result.path("worker").asString()).as("both workers served")
                    .contains("prefix-1", "prefix-2");
            long total = 0;
            for (LlamaServer engine : engines) {
                total += promptTokens(engine.baseUrl());
            }
            return total;
        } finally {
            engines.forEach(LlamaServer::close);
        }
    }

    /** 6 system prompts of about 400 tokens, 8 questions each, interleaved; sampled, so the response cache stays out. */
    private static List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (int q = 0; q < QUESTIONS; q++) {
            for (int p = 0; p < PREFIXES; p++) {
                ObjectNode line = MessageCodec.mapper().createObjectNode().put("custom_id", "p" + p + "-q" + q)
                        .put("method", "POST").put("url", "/v1/chat/completions");
                ObjectNode body = line.putObject("body").put("model", MODEL).put("max_tokens", 1).put("temperature", 0.8);
                body.putArray("messages").addObject().put("role", "system").put("content", DeskPrompts.systemPrompt(p, 1_600));
                body.withArray("messages").addObject().put("role", "user").put("content", "Question " + q + " for desk " + p + "?");
                lines.add(MessageCodec.mapper().writeValueAsString(line));
            }
        }
        return lines;
    }

    private static long promptTokens(URI engine) throws IOException, InterruptedException {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(engine.resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher matcher = PROMPT_TOKENS.matcher(metrics);
        assertThat(matcher.find()).as("llamacpp:prompt_tokens_total in %s/metrics", engine).isTrue();
        return (long) Double.parseDouble(matcher.group(1));
    }
}
