package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.schemas.kafka.TopicScan;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.app.WorkerApplication;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What an operator sees, against a live worker service (Spring Boot, as {@code ./dmap worker} runs
 * it) that has served a batch: the metrics docs/metrics.md lists, with plausible values;
 * {@code promtool check metrics} on the whole output; every metric the Grafana dashboard and the
 * alert rules query; the alert rules' own checks and unit tests; traces from submit to LM Studio
 * and the result; liveness and readiness while LM Studio is down.
 *
 * <p>promtool comes from Debian's {@code prometheus} package; .ci/run installs it and sets
 * DMAP_REQUIRE_PROMTOOL=true, so in CI its checks run; elsewhere they are skipped without it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIT {
    private static final Path ROOT = Path.of(System.getProperty("dmap.root", ".."));
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern DMAP_METRIC = Pattern.compile("\\bdmap_[a-z_]+");
    /** A series of the examples file: 28 results and 2 dead letters over four served models. */
    private static final int RESULTS = 28;

    private static LocalBroker broker;
    private static LmStudioEmulator gpu;
    private static ConfigurableApplicationContext worker;
    private static String port;
    private static String scrape;

    @BeforeAll
    static void serveABatch(@TempDir Path dir) throws Exception {
        broker = LocalBroker.startTemporary();
        gpu = LmStudioEmulator.start(EmulatorConfig.builder().timeScale(0.02).build());
        gpu.faults().failNext(2, 503); // two retries, reason overloaded
        worker = SpringApplication.run(WorkerApplication.class,
                "--server.port=0", "--dmap.worker-id=gpu-box-7",
                "--dmap.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--dmap.backend.url=" + gpu.baseUrl(), "--dmap.backend.unload-cooldown=20ms",
                "--management.tracing.sampling.probability=1.0", "--dmap.backend.gpu-memory=8GB",
                "--dmap.batches.state-dir=" + dir.resolve("streams"));
        port = worker.getEnvironment().getProperty("local.server.port");
        String batchId = CliRuns.submit(broker.bootstrapServers(), ROOT.resolve("examples/batch.jsonl"));
        CliRuns.collect(broker.bootstrapServers(), batchId, dir.resolve("out.jsonl"));
        // gauges follow the worker's state with a delay (loaded models every second, lag every few):
        // scrape once the worker reads idle, one model loaded, nothing queued or in flight
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            scrape = get("/actuator/prometheus").body();
            Map<String, List<Sample>> samples = parse(scrape);
            return sum(samples, "dmap_model_loaded", Map.of()) == 1 && sum(samples, "dmap_queue_depth", Map.of()) == 0
                    && sum(samples, "dmap_inflight_requests", Map.of()) == 0;
        });
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (gpu != null) {
            gpu.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    @Order(1)
    void shouldExposeEveryDocumentedMetricWithPlausibleValues() throws IOException {
        Map<String, List<Sample>> samples = parse(scrape);
        Set<String> documented = documentedMetrics();
        assertThat(documented).hasSizeGreaterThanOrEqualTo(14);
        for (String metric : documented) {
            assertThat(family(samples, metric)).as("%s is exposed", metric).isNotEmpty();
        }
        Set<String> exposed = samples.keySet().stream().filter(name -> name.startsWith("dmap_"))
                .map(ObservabilityIT::familyName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).as("every dmap metric is documented in docs/metrics.md").containsAll(exposed);

        assertThat(sum(samples, "dmap_request_duration_seconds_count", Map.of("status", "success"))).isEqualTo(RESULTS);
        assertThat(sum(samples, "dmap_request_end_to_end_seconds_count", Map.of("status", "success"))).isEqualTo(RESULTS);
        assertThat(sum(samples, "dmap_dead_letters_total", Map.of("code", "model_not_found"))).isEqualTo(1);
        assertThat(sum(samples, "dmap_dead_letters_total", Map.of("code", "context_length_exceeded"))).isEqualTo(1);
        assertThat(sum(samples, "dmap_retries_total", Map.of("reason", "overloaded"))).isEqualTo(2);
        assertThat(sum(samples, "dmap_retries_total", Map.of("reason", "timeout"))).isZero();
        assertThat(sum(samples, "dmap_tokens_total", Map.of("kind", "prompt"))).isPositive();
        assertThat(sum(samples, "dmap_tokens_total", Map.of("kind", "completion"))).isPositive();
        assertThat(sum(samples, "dmap_model_swaps_total", Map.of())).isGreaterThanOrEqualTo(4);
        assertThat(sum(samples, "dmap_model_load_duration_seconds_count", Map.of()))
                .isEqualTo(sum(samples, "dmap_model_swaps_total", Map.of()));
        assertThat(sum(samples, "dmap_slots", Map.of())).isPositive();
        assertThat(sum(samples, "dmap_slot_busy_seconds_total", Map.of())).isPositive();
        assertThat(sum(samples, "dmap_backend_up", Map.of())).isEqualTo(1);
        assertThat(sum(samples, "dmap_prompt_truncation_suspected_total", Map.of())).isZero();
        // every backend attempt (28 results, 1 prompt over the context, 2 retried calls) looks up its model once
        double hits = sum(samples, "dmap_model_cache_hits_total", Map.of());
        double misses = sum(samples, "dmap_model_cache_misses_total", Map.of());
        assertThat(hits + misses).isEqualTo(RESULTS + 1 + 2);
        assertThat(misses).isGreaterThanOrEqualTo(sum(samples, "dmap_model_swaps_total", Map.of()));
        assertThat(hits).isPositive();
        assertThat(sum(samples, "dmap_backend_memory_bytes", Map.of())).isEqualTo(8.0 * 1024 * 1024 * 1024);
        assertThat(sum(samples, "dmap_model_memory_bytes", Map.of())).isPositive()
                .isLessThanOrEqualTo(sum(samples, "dmap_backend_memory_bytes", Map.of()));
        // the request histogram's buckets are the SLO buckets, so p95 is computable
        assertThat(samples.get("dmap_request_duration_seconds_bucket")).extracting(s -> s.labels().get("le"))
                .contains("0.1", "0.5", "1.0", "1.5", "2.0", "5.0", "+Inf");
        assertThat(samples.get("dmap_backend_up")).allSatisfy(s -> {
            assertThat(s.labels()).containsEntry("worker", "gpu-box-7").containsEntry("application", "dmap-worker");
        });
    }

    @Test
    @Order(2)
    void shouldPassPromtoolCheckMetrics() throws Exception {
        requirePromtool();
        Run run = promtool(scrape, "check", "metrics");
        assertThat(run.exit()).as(run.output()).isZero();
    }

    @Test
    @Order(3)
    void shouldPutExemplarsOnlyOnBucketsAndTotals() throws Exception {
        HttpResponse<String> openMetrics = get("/actuator/prometheus", "application/openmetrics-text;version=1.0.0");
        assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/openmetrics-text"));
        List<String> withExemplars = openMetrics.body().lines()
                .filter(line -> !line.startsWith("#") && line.contains(" # {")).toList();
        assertThat(withExemplars).as("sampled request spans leave exemplars")
                .anyMatch(line -> line.startsWith("dmap_request_duration_seconds_bucket{"));
        // Prometheus before 2.43 (Debian 12 ships 2.42) drops the whole scrape otherwise
        assertThat(withExemplars).allSatisfy(line -> assertThat(SAMPLE.matcher(line).results().findFirst())
                .hasValueSatisfying(sample -> assertThat(sample.group(1)).matches(".*_(bucket|total)")));
    }

    @Test
    @Order(4)
    void shouldQueryOnlyMetricsTheWorkerExposes() throws IOException {
        Set<String> exposed = parse(scrape).keySet();
        String rules = Files.readString(ROOT.resolve("compose/prometheus/alerts.yml"));
        List<String> expressions = dashboardQueries();
        assertThat(expressions).as("the dashboard's queries").hasSizeGreaterThanOrEqualTo(10);

        Set<String> queried = new TreeSet<>();
        for (String text : List.of(String.join("\n", expressions), rules)) {
            Matcher matcher = DMAP_METRIC.matcher(text);
            while (matcher.find()) {
                queried.add(matcher.group());
            }
        }
        assertThat(queried).contains("dmap_queue_depth", "dmap_request_duration_seconds_bucket",
                "dmap_model_swaps_total", "dmap_slot_busy_seconds_total", "dmap_tokens_total", "dmap_dead_letters_total");
        assertThat(exposed).as("metrics the dashboard and the alert rules query").containsAll(queried);
    }

    @Test
    @Order(5)
    void shouldPassTheAlertRulesChecksAndUnitTests(@TempDir Path dir) throws Exception {
        requirePromtool();
        // the dashboard's queries, as recording rules, so that promtool parses every one of them
        StringBuilder panels = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        List<String> queries = dashboardQueries();
        for (int i = 0; i < queries.size(); i++) {
            String expr = queries.get(i).replace("$model", ".*").replace("$worker", ".*");
            panels.append("      - record: dashboard_query_").append(i).append("\n        expr: ")
                    .append(dev.dmap.schemas.MessageCodec.mapper().writeValueAsString(expr)).append('\n');
        }
        Path panelRules = Files.writeString(dir.resolve("dashboard-queries.yml"), panels);
        Run parsed = promtool(null, "check", "rules", panelRules.toString());
        assertThat(parsed.exit()).as(parsed.output()).isZero();
        assertThat(parsed.output()).contains("SUCCESS: " + queries.size() + " rules found");
        Run check = promtool(null, "check", "rules", ROOT.resolve("compose/prometheus/alerts.yml").toString());
        assertThat(check.exit()).as(check.output()).isZero();
        Run test = promtool(null, "test", "rules", ROOT.resolve("compose/prometheus/alerts.test.yml").toString());
        assertThat(test.exit()).as(test.output()).isZero();
        Run config = promtool(null, "check", "config", ROOT.resolve("compose/prometheus/prometheus.yml").toString());
        assertThat(config.exit()).as(config.output()).isZero();
    }

    @Test
    @Order(6)
    void shouldFollowOneRequestFromSubmitThroughLmStudioToItsResult() {
        Map<String, String> submitted = traceparents(Topics.defaults().requests("meta-llama-3.1-8b-instruct"));
        Map<String, String> results = traceparents(Topics.defaults().results());
        List<String> atServer = gpu.stats().recentTraceparents();
        assertThat(submitted).isNotEmpty();
        for (Map.Entry<String, String> request : submitted.entrySet()) {
            String traceId = traceId(request.getValue());
            String result = results.get(request.getKey());
            assertThat(result).as("result of %s", request.getKey()).isNotNull();
            assertThat(traceId(result)).as("one trace from submit to result").isEqualTo(traceId);
            assertThat(spanId(result)).as("the worker's own span").isNotEqualTo(spanId(request.getValue()));
            assertThat(atServer).as("LM Studio was called within the same trace, from the worker's span")
                    .anyMatch(header -> header.equals(result));
        }
    }

    @Test
    @Order(7)
    void shouldStayLiveButNotReadyWhileLmStudioIsDown() throws Exception {
        assertThat(get("/actuator/health/liveness")).satisfies(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"scheduler\"");
        });
        assertThat(get("/actuator/health/readiness")).satisfies(response -> {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("\"lmstudio\"").contains("\"kafka\"");
        });

        gpu.crash();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 503);
            assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            // the worker is idle, yet the metric behind DmapBackendDown follows too
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> sum(parse(get("/actuator/prometheus").body()), "dmap_backend_up", Map.of()) == 0);
        } finally {
            gpu.restart();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/actuator/health/readiness").statusCode() == 200);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sum(parse(get("/actuator/prometheus").body()), "dmap_backend_up", Map.of()) == 1);
    }

    private record Sample(Map<String, String> labels, double value) {
    }

    private record Run(int exit, String output) {
    }

    private static Map<String, List<Sample>> parse(String text) {
        Map<String, List<Sample>> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher matcher = SAMPLE.matcher(line);
            if (line.startsWith("#") || !matcher.find()) {
                continue;
            }
            Map<String, String> labels = new HashMap<>();
            if (matcher.group(2) != null) {
                Matcher label = LABEL.matcher(matcher.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.computeIfAbsent(matcher.group(1), name -> new ArrayList<>())
                    .add(new Sample(labels, Double.parseDouble(matcher.group(3))));
        }
        return samples;
    }

    /** The samples of a metric family: a histogram's are its _bucket, _count, _sum and _max series. */
    private static List<Sample> family(Map<String, List<Sample>> samples, String metric) {
        return samples.entrySet().stream().filter(e -> familyName(e.getKey()).equals(metric))
                .flatMap(e -> e.getValue().stream()).toList();
    }

    private static String familyName(String sample) {
        return sample.replaceAll("_(bucket|count|sum|max)$", "");
    }

    private static double sum(Map<String, List<Sample>> samples, String name, Map<String, String> where) {
        return samples.getOrDefault(name, List.of()).stream()
                .filter(s -> s.labels().entrySet().containsAll(where.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    /** Every query of the Grafana dashboard's panels, as written (with its template variables). */
    private static List<String> dashboardQueries() throws IOException {
        var json = dev.dmap.schemas.MessageCodec.mapper()
                .readTree(Files.readString(ROOT.resolve("compose/grafana/dashboards/dmap.json")));
        List<String> expressions = new ArrayList<>();
        json.path("panels").forEach(panel -> panel.path("targets").forEach(target -> expressions.add(target.path("expr").asString())));
        return expressions;
    }

    /** The metric names in docs/metrics.md's table: its first column. */
    private static Set<String> documentedMetrics() throws IOException {
        Pattern row = Pattern.compile("^\\| `(dmap_[a-z_]+)` \\|");
        return Files.readAllLines(ROOT.resolve("docs/metrics.md")).stream().map(row::matcher).filter(Matcher::find)
                .map(m -> m.group(1)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void requirePromtool() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/promtool"))
                || System.getenv("PATH").lines().flatMap(p -> List.of(p.split(":")).stream())
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "promtool")));
        if (!present && "true".equals(System.getenv("DMAP_REQUIRE_PROMTOOL"))) {
            throw new AssertionError("promtool is required here (DMAP_REQUIRE_PROMTOOL=true) but not installed");
        }
        Assumptions.assumeTrue(present, "promtool is not installed (apt-get install prometheus)");
    }

    private static Run promtool(String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(path, "*/*");
    }

    private static HttpResponse<String> get(String path, String accept) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", accept).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The traceparent header of every record of a topic, by record key. */
    private static Map<String, String> traceparents(String topic) {
        Map<String, String> found = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicScan.committed(broker.bootstrapServers(), topic)) {
            Header header = record.headers().lastHeader("traceparent");
            if (header != null && record.key() != null) {
                found.put(new String(record.key(), StandardCharsets.UTF_8), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return found;
    }

    private static String traceId(String traceparent) {
        return traceparent.split("-")[1];
    }

    private static String spanId(String traceparent) {
        return traceparent.split("-")[2];
    }
}
