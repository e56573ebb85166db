package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.client.BatchFile;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.Submitter;
import dev.dmap.client.testing.TestBatches;
import dev.dmap.devkit.broker.BrokerProcess;
import dev.dmap.devkit.net.FreePorts;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dmap collect} across a broker outage longer than each of its client's timeouts (request
 * 30 s, api 60 s): it waits, continues when the broker is back on the same port and data, and
 * writes every line once.
 */
class CollectOutageIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final int TOTAL = 40;
    private static final Duration OUTAGE = Duration.ofSeconds(75);

    @TempDir
    Path dir;
    private BrokerProcess broker;

    @AfterEach
    void cleanUp() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldWaitThroughABrokerOutageAndWriteEveryLineOnce() throws Exception {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        Path data = Files.createDirectory(dir.resolve("kafka"));
        broker = BrokerProcess.start(port, controllerPort, data, Path.of("target/collect-outage-broker-0.log"));
        String bootstrap = "127.0.0.1:" + port;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, TOPICS).ensureAll(List.of("outage-model"));
        }
        Path input = Files.writeString(dir.resolve("outage.jsonl"), TestBatches.lines("outage-model", TOTAL, 10));
        new Submitter(KafkaConnection.of(bootstrap, Topics.DEFAULT_PREFIX), Clock.systemUTC())
                .submit(BatchFile.read(input), "outage-batch");
        Path output = dir.resolve("out.jsonl");
        CompletableFuture<SubmitIT.Run> collect = CompletableFuture.supplyAsync(() -> SubmitIT.cli("collect",
                "--bootstrap-servers=" + bootstrap, "--batch-id", "outage-batch", "-o", output.toString(), "--no-progress"));

        publishResults(bootstrap, 0, TOTAL / 2);
        await().atMost(Duration.ofMinutes(1)).until(() -> lines(output).size() == TOTAL / 2);
        broker.stop();
        // the fault: the broker stays away longer than every timeout of collect's consumer, and collect keeps waiting
        await().during(OUTAGE).atMost(OUTAGE.plusSeconds(30)).until(() -> !collect.isDone());
        broker = BrokerProcess.start(port, controllerPort, data, Path.of("target/collect-outage-broker-1.log"));
        publishResults(bootstrap, TOTAL / 2, TOTAL);

        SubmitIT.Run run = collect.get();
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(lines(output)).hasSize(TOTAL).doesNotHaveDuplicates();
        assertThat(run.err()).doesNotContain("WARN");
    }

    private static void publishResults(String bootstrap, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (int i = from; i < to; i++) {
                String requestId = "outage-batch:q" + i;
                String result = """
                        {"id":"%s","request_id":"%s","batch_id":"outage-batch","custom_id":"q%d","model":"outage-model",
                         "response":{"status_code":200,"request_id":"%s","body":{"object":"chat.completion"}}}"""
                        .formatted(requestId, requestId, i, requestId).replace("\n", "");
                producer.send(new ProducerRecord<>(TOPICS.results(), requestId.getBytes(StandardCharsets.UTF_8),
                        result.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
