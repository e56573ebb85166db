package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.cli.DmapCli;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.devkit.broker.BrokerSettings;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.broker.LocalCertificates;
import dev.dmap.devkit.broker.SaslSslListener;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * dmap against a secured Kafka listener, configured as docs/configuration.md says: SASL/SCRAM-SHA-512
 * over TLS, with certificates made by keytool for this run. The worker service runs in a JVM of its
 * own, configured from the environment as an operator would; the CLI takes {@code --command-config}.
 * A wrong password is one exit-3 line naming the mechanism in every command, and one ERROR plus a
 * non-zero exit in the worker; no password reaches a log line or an actuator endpoint.
 */
class SecuredKafkaIT {
    private static final String MODEL = "qwen2.5-7b-instruct";
    private static final String CLI_USER = "dmap-cli";
    private static final String WORKER_USER = "dmap-worker";
    private static final String CLI_PASSWORD = secret("cli");
    private static final String WORKER_PASSWORD = secret("worker");
    private static final String WRONG_PASSWORD = secret("wrong");
    private static final Pattern HTTP_PORT = Pattern.compile("Tomcat started on port\\D*(\\d+)");
    /** Where the in-process CLI's Kafka clients log (the module's failsafe settings). */
    private static final Path TEST_JVM_LOG = Path.of(System.getProperty("dmap.log.file", "target/it-logs/dmap.log"));

    @TempDir
    static Path dir;
    private static LocalCertificates tls;
    private static LocalBroker broker;
    private static LmStudioEmulator gpu;
    private static final List<String> captured = new ArrayList<>();

    @BeforeAll
    static void start() {
        tls = LocalCertificates.create(dir.resolve("tls"));
        broker = LocalBroker.start(BrokerSettings.temporary().withSaslSsl(new SaslSslListener(0, tls.keystore(),
                tls.keystorePassword(), null, null, Map.of(CLI_USER, CLI_PASSWORD, WORKER_USER, WORKER_PASSWORD))));
        gpu = LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(0.02).build());
    }

    @AfterAll
    static void stop() throws IOException {
        gpu.close();
        broker.close();
        if (Files.exists(TEST_JVM_LOG)) {
            captured.add(Files.readString(TEST_JVM_LOG));
        }
        assertNoSecretIn(String.join("\n", captured));
    }

    @Test
    void shouldServeABatchSubmittedAndCollectedOverSaslSsl() throws Exception {
        Path config = commandConfig("client.properties", CLI_PASSWORD);
        Path batch = Files.write(dir.resolve("batch.jsonl"), lines(6));
        Path workerLog = logFile("worker-ok.log");
        Process worker = startWorker("secured-worker", WORKER_PASSWORD, workerLog);
        try {
            String batchId = cli(ExitCodes.OK, "submit", "--command-config", config.toString(), "--no-progress",
                    "--batch-id", "secured-batch", batch.toString()).trim();
            Path output = dir.resolve("out.jsonl");
            cli(ExitCodes.OK, "collect", "--command-config", config.toString(), "--no-progress", "--batch-id", batchId,
                    "-o", output.toString(), "--timeout", "5m");

            assertThat(Files.readAllLines(output)).hasSize(6).allSatisfy(line -> assertThat(line).contains("\"status_code\":200"));
            assertThat(gpu.stats().inferenceCallsByModel()).containsEntry(MODEL, 6);
            String status = cli(ExitCodes.OK, "status", "--command-config", config.toString());
            assertThat(status).contains(batchId);

            String port = awaitHttpPort(workerLog);
            assertThat(get(port, "/actuator/health").statusCode()).isEqualTo(200);
            for (String endpoint : List.of("/actuator/env", "/actuator/configprops", "/actuator/env/dmap.kafka.properties",
                    "/actuator/beans", "/actuator/heapdump", "/actuator/threaddump", "/actuator/loggers")) {
                HttpResponse<String> response = get(port, endpoint);
                assertThat(response.statusCode()).as(endpoint).isEqualTo(404);
                assertNoSecretIn(response.body());
            }
            for (String endpoint : List.of("/actuator/health", "/actuator/info", "/actuator/prometheus")) {
                assertNoSecretIn(get(port, endpoint).body());
            }
        } finally {
            stopWorker(worker);
            captured.add(Files.readString(workerLog));
            captured.add(Files.readString(console(workerLog)));
        }
        String log = Files.readString(workerLog);
        assertThat(log).as("the worker logged its Kafka clients' configuration (INFO), so a leak would show")
                .contains("sasl.jaas.config = [hidden]");
        assertNoSecretIn(log);
    }

    @ParameterizedTest
    @ValueSource(strings = {"submit --no-progress FILE", "status", "collect --batch-id b1 -o OUT --no-progress", "cancel b1", "dlq list",
            "dlq replay"})
    void shouldExitThreeNamingTheMechanismWhenThePasswordIsWrong(String command) throws IOException {
        Path config = commandConfig("wrong.properties", WRONG_PASSWORD);
        Path batch = Files.write(dir.resolve("wrong-batch.jsonl"), lines(1));
        List<String> args = new ArrayList<>();
        for (String word : command.split(" ")) {
            args.add(word.replace("FILE", batch.toString()).replace("OUT", dir.resolve("wrong-out.jsonl").toString()));
        }
        args.addAll(List.of("--command-config", config.toString(), "--kafka-timeout", "20s"));

        String stderr = cliFailing(ExitCodes.UNREACHABLE, args.toArray(String[]::new));

        assertThat(stderr.lines().toList()).singleElement().asString().startsWith("dmap: ")
                .contains(broker.saslSslBootstrapServers()).contains("SCRAM-SHA-512");
        assertNoSecretIn(stderr);
    }

    @Test
    void shouldStopTheWorkerWithOneErrorNamingTheMechanismWhenThePasswordIsWrong() throws Exception {
        Path workerLog = logFile("worker-wrong.log");
        Process worker = startWorker("refused-worker", WRONG_PASSWORD, workerLog);
        boolean ended;
        try {
            ended = worker.waitFor(3, TimeUnit.MINUTES); // a guard against a hang, not a speed goal
        } finally {
            stopWorker(worker);
            captured.add(Files.readString(workerLog));
            captured.add(Files.readString(console(workerLog)));
        }
        String log = Files.readString(workerLog);

        assertThat(ended).as("the worker ended by itself:\n" + log).isTrue();
        assertThat(worker.exitValue()).as(log).isEqualTo(70);
        assertThat(log).as("a short report, not a stack trace wall").doesNotContain("\tat org.springframework");
        assertThat(log.lines().filter(line -> line.contains(" ERROR ") && line.contains("SCRAM-SHA-512")
                        && line.contains("dmap.kafka.properties.sasl.jaas.config")))
                .as(log).isNotEmpty();
        assertNoSecretIn(log);
    }

    /** The CLI's client properties file, as docs/configuration.md shows it. */
    private static Path commandConfig(String name, String password) throws IOException {
        return Files.writeString(dir.resolve(name), String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + CLI_USER
                        + "\" password=\"" + password + "\";",
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + tls.truststore(),
                "ssl.truststore.password=" + tls.truststorePassword(), ""));
    }

    /**
     * The worker service in its own JVM, configured through the environment as docs/configuration.md
     * shows, with the Kafka clients logging at INFO (their configuration dumps included).
     */
    private static Process startWorker(String workerId, String password, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-Ddmap.log.file=" + log,
                "-cp", System.getProperty("java.class.path"), "dev.dmap.worker.app.WorkerApplication",
                "--server.port=0", "--server.address=127.0.0.1", "--logging.level.org.apache.kafka=INFO");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(console(log).toFile());
        Map<String, String> env = builder.environment();
        env.put("DMAP_WORKER_ID", workerId);
        env.put("DMAP_KAFKA_BOOTSTRAP_SERVERS", broker.saslSslBootstrapServers());
        env.put("DMAP_KAFKA_PROPERTIES_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("DMAP_KAFKA_PROPERTIES_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("DMAP_KAFKA_PROPERTIES_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + WORKER_USER + "\" password=\"" + password + "\";");
        env.put("DMAP_KAFKA_PROPERTIES_SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put("DMAP_KAFKA_PROPERTIES_SSL_TRUSTSTORE_LOCATION", tls.truststore().toString());
        env.put("DMAP_KAFKA_PROPERTIES_SSL_TRUSTSTORE_PASSWORD", tls.truststorePassword());
        env.put("DMAP_BACKEND_URL", gpu.baseUrl().toString());
        env.put("DMAP_BACKEND_UNLOAD_COOLDOWN", "20ms");
        env.put("DMAP_BATCHES_STATE_DIR", dir.resolve(workerId + "-streams").toString());
        return builder.start();
    }

    /** A worker's log, kept beside the module's test log for a look after a failure (it holds no secret: asserted). */
    private static Path logFile(String name) throws IOException {
        Path folder = Files.createDirectories(TEST_JVM_LOG.toAbsolutePath().getParent().resolve("secured-kafka"));
        Path log = folder.resolve(name);
        Files.deleteIfExists(log); // logback appends: an old run's lines must not pass for this one's
        Files.deleteIfExists(console(log));
        return log;
    }

    /** What the worker JVM writes to stdout and stderr besides its log file (WARN and above, anything before logging starts). */
    private static Path console(Path log) {
        return log.resolveSibling(log.getFileName() + ".console");
    }

    private static void stopWorker(Process worker) throws InterruptedException {
        if (worker.isAlive()) {
            worker.destroy(); // SIGTERM: a graceful stop, so its log is complete
            if (!worker.waitFor(2, TimeUnit.MINUTES)) {
                worker.destroyForcibly().waitFor();
            }
        }
    }

    private static String awaitHttpPort(Path log) {
        return await().atMost(Duration.ofMinutes(2)).until(() -> {
            Matcher matcher = HTTP_PORT.matcher(Files.readString(log));
            return matcher.find() ? matcher.group(1) : null;
        }, port -> port != null);
    }

    private static HttpResponse<String> get(String port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Runs a command in process; returns its stdout, failing the test with its stderr on another exit code. */
    private static String cli(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, args);
        captured.add(out + "\n" + err);
        assertThat(exit).as(String.join(" ", args) + ": " + err).isEqualTo(expectedExit);
        return out.toString();
    }

    /** Runs a command in process expected to fail; returns its stderr. */
    private static String cliFailing(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = run(out, err, args);
        captured.add(out + "\n" + err);
        assertThat(exit).as(String.join(" ", args) + ": " + err).isEqualTo(expectedExit);
        return err.toString();
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine commandLine = DmapCli.commandLine(new DmapCli());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> withServers = new ArrayList<>(List.of(args));
        withServers.add("--bootstrap-servers=" + broker.saslSslBootstrapServers());
        return commandLine.execute(withServers.toArray(String[]::new));
    }

    private static void assertNoSecretIn(String text) {
        for (String secret : List.of(CLI_PASSWORD, WORKER_PASSWORD, WRONG_PASSWORD, tls.truststorePassword(),
                tls.keystorePassword())) {
            assertThat(text).as("a password in captured output").doesNotContain(secret);
        }
    }

    private static List<String> lines(int count) {
        return IntStream.range(0, count).mapToObj(i -> "{\"custom_id\":\"s" + i + "\",\"method\":\"POST\","
                + "\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + MODEL + "\",\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Secured " + i + "\"}]}}").toList();
    }

    private static String secret(String role) {
        byte[] bytes = new byte[9];
        ThreadLocalRandom.current().nextBytes(bytes);
        return role + "-" + HexFormat.of().formatHex(bytes);
    }
}
