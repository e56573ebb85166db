package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.devkit.broker.BrokerCluster;
import dev.dmap.devkit.broker.Signals;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Three brokers (each its own JVM, replication 3, min.insync.replicas 2) and three workers (each
 * its own JVM and emulated GPU): the faults a production cluster has. A read_committed reader
 * sees exactly one terminal record per request through each of them.
 */
class ClusterFailoverIT {
    private static final Logger log = LoggerFactory.getLogger(ClusterFailoverIT.class);
    private static final int TOTAL = 1_500;
    private static final List<String> MODELS = List.of(WorkerScenarios.QWEN, WorkerScenarios.LLAMA, WorkerScenarios.MISTRAL);
    private static final Duration PATIENCE = Duration.ofMinutes(5);

    private final List<Process> processes = new ArrayList<>();
    private final List<LmStudioEmulator> gpus = new ArrayList<>();
    private BrokerCluster cluster;
    private WorkerFixture fixture;
    private Admin admin;
    private List<String> sent;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = BrokerCluster.start(3, Files.createTempDirectory(Path.of("target"), "cluster-"), 0);
        fixture = new WorkerFixture(cluster.bootstrapServers(), 0.01);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
        for (int i = 0; i < 3; i++) {
            gpus.add(LmStudioEmulator.start(EmulatorConfig.builder().port(0).timeScale(1.0)
                    .requestOverhead(Duration.ofMillis(20)).decodeTokensPerSecond(4_000)
                    .loadOverhead(Duration.ofMillis(50)).loadBytesPerSecond(200e9).build()));
        }
    }

    @AfterEach
    void cleanUp() {
        processes.forEach(Process::destroyForcibly);
        gpus.forEach(LmStudioEmulator::close);
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
        if (fixture != null) {
            fixture.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldEndEveryRequestOnceThroughTheLossOfEachCoordinatorAndLeaderAndARollingRestart() throws Exception {
        sent = new Workload(MODELS).publish(fixture.kafka, "failover", TOTAL);
        Process[] workers = {start(0), start(1), start(2)};

        awaitResults(TOTAL / 5);
        int transactions = transactionCoordinator();
        log.info("Killing node {}, the transaction coordinator of worker cluster-0", transactions);
        cluster.kill(transactions);
        cluster.restart(transactions);

        awaitResults(2 * TOTAL / 5);
        int group = admin.describeConsumerGroups(List.of(groupId())).all().get().get(groupId()).coordinator().id();
        log.info("Killing node {}, the group coordinator", group);
        cluster.kill(group);
        cluster.restart(group);

        awaitResults(3 * TOTAL / 5);
        int results = leaderOf(fixture.topics.results());
        log.info("Killing node {}, the leader of {}-0", results, fixture.topics.results());
        cluster.kill(results);
        cluster.restart(results);

        for (BrokerCluster.Node node : cluster.nodes()) { // a rolling restart, as for an upgrade
            cluster.stop(node.id());
            cluster.restart(node.id());
        }

        Tally tally = awaitAll("three brokers, three workers: coordinators and a leader killed, a rolling restart");
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
        assertThat(workers).allSatisfy(worker -> assertThat(worker.isAlive()).isTrue());
        TopicDescription outputs = admin.describeTopics(List.of(fixture.topics.results())).allTopicNames().get()
                .get(fixture.topics.results());
        assertThat(outputs.partitions()).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
        assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, fixture.topics.results())))
                .all().get().values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
    }

    @Test
    void shouldPauseWithoutDeadLettersWhileTooFewReplicasAreInSyncAndGoOnWhenTheyReturn() throws Exception {
        sent = new Workload(MODELS).publish(fixture.kafka, "isr", TOTAL);
        Process[] workers = {start(0), start(1), start(2)};
        awaitResults(TOTAL / 4);

        cluster.kill(1);
        cluster.kill(2); // one broker left: under min.insync.replicas, and no controller quorum
        log.info("Two of three brokers down");
        await().during(Duration.ofSeconds(45)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> workers[0].isAlive() && workers[1].isAlive() && workers[2].isAlive());
        cluster.restart(1);
        cluster.restart(2);

        Tally tally = awaitAll("three brokers, two down for 45 s");
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
        assertThat(workers).allSatisfy(worker -> assertThat(worker.isAlive()).isTrue());
    }

    @Test
    void shouldNotRepeatTheLateOutcomesOfAWorkerFrozenPastItsSessionAndServeAgainAfterIt() throws Exception {
        sent = new Workload(MODELS).publish(fixture.kafka, "frozen", TOTAL);
        Process[] workers = {start(0), start(1), start(2)};
        awaitResults(TOTAL / 4);

        Signals.send("STOP", workers[0].pid()); // a long GC pause, a hung VM: in-flight requests and an open transaction
        log.info("Worker cluster-0 frozen");
        // longer than the session timeout (45 s): the group moves its partitions to the other two
        await().during(Duration.ofSeconds(60)).atMost(Duration.ofSeconds(70)).pollInterval(Duration.ofSeconds(1))
                .until(() -> workers[1].isAlive() && workers[2].isAlive());
        Signals.send("CONT", workers[0].pid());
        log.info("Worker cluster-0 thawed");

        Tally tally = awaitAll("three workers, one frozen for 60 s");
        assertThat(tally.deadLetters()).as(tally.toString()).isZero();
        assertThat(workers[0].isAlive()).as("the thawed worker carries on").isTrue();

        // it rejoined and serves again: a second batch reaches it too
        List<String> second = new Workload(MODELS).publish(fixture.kafka, "after-thaw", TOTAL);
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> servedBy("cluster-0", "after-thaw") > 0);
        sent = new ArrayList<>(sent);
        sent.addAll(second);
        Tally both = awaitAll("after the thaw");
        assertThat(both.exactlyOnce()).as(both.toString()).isTrue();
    }

    private long servedBy(String workerId, String prefix) {
        return fixture.kafka.results().stream()
                .filter(result -> result.path("request_id").asString().contains(prefix))
                .filter(result -> workerId.equals(result.path("worker").asString())).count();
    }

    private int transactionCoordinator() throws Exception {
        List<String> ids = admin.listTransactions().all().get().stream().map(TransactionListing::transactionalId)
                .filter(id -> id.contains("cluster-0")).toList();
        assertThat(ids).as("worker cluster-0's transactional ids").isNotEmpty();
        return admin.describeTransactions(ids).all().get().values().iterator().next().coordinatorId();
    }

    private int leaderOf(String topic) throws Exception {
        return admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().get(0).leader().id();
    }

    private String groupId() {
        return fixture.topics.prefix() + "-workers";
    }

    private void awaitResults(int count) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).until(() -> fixture.kafka.results().size() >= count);
    }

    private Tally awaitAll(String fault) {
        await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() -> tally(fault).lost() == 0);
        Tally tally = tally(fault);
        log.info("{}", tally);
        assertThat(tally.exactlyOnce()).as(tally.toString()).isTrue();
        return tally;
    }

    private Tally tally(String fault) {
        List<JsonNode> results = fixture.kafka.results();
        return Tally.of(fault, sent, results, fixture.kafka.deadLetters());
    }

    private Process start(int worker) throws Exception {
        Process process = WorkerProcess.start("cluster-" + worker, cluster.bootstrapServers(), fixture,
                gpus.get(worker).baseUrl(), new File("target/cluster-worker-" + worker + "-" + processes.size() + ".log"),
                "--dmap.batches.tracker=false", "--dmap.kafka.replication-factor=3", "--dmap.kafka.min-insync-replicas=2");
        processes.add(process);
        return process;
    }
}
