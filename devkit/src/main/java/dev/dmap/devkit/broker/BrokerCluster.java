package dev.dmap.devkit.broker;

import dev.dmap.devkit.net.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of several KRaft nodes on loopback, each a broker and a controller in a JVM of
 * its own ({@link BrokerProcess}), set up as a production cluster is: replication 3 and
 * {@code min.insync.replicas} 2 for dmap's topics and Kafka's internal ones. Any node can be
 * killed, frozen, stopped and started again on the same ports and data, one at a time or several.
 */
public final class BrokerCluster implements AutoCloseable {
    /** One node's fixed place: its id, ports and data folder. */
    public record Node(int id, int port, int controllerPort, Path dataDir, Path log) {
    }

    private final List<Node> nodes;
    private final String clusterId;
    private final Map<String, String> shared;
    private final BrokerProcess[] processes;
    private final int[] generation;

    private BrokerCluster(List<Node> nodes, String clusterId, Map<String, String> shared) {
        this.nodes = List.copyOf(nodes);
        this.clusterId = clusterId;
        this.shared = Map.copyOf(shared);
        this.processes = new BrokerProcess[nodes.size()];
        this.generation = new int[nodes.size()];
    }

    /**
     * Starts {@code size} nodes (their logs in {@code dataDir}/node-N.log) and returns once every
     * one answers.
     *
     * @param firstPort the first node's client port, the next ones following (controller ports after
     *                  them), or 0 for free ports
     */
    public static BrokerCluster start(int size, Path dataDir, int firstPort) throws IOException {
        if (size < 1) {
            throw new IllegalArgumentException("a cluster needs at least one node: " + size);
        }
        Files.createDirectories(dataDir);
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int port = firstPort == 0 ? FreePorts.next() : firstPort + i;
            int controllerPort = firstPort == 0 ? FreePorts.next() : firstPort + size + i;
            nodes.add(new Node(i + 1, port, controllerPort, dataDir.resolve("node-" + (i + 1)),
                    dataDir.resolve("node-" + (i + 1) + ".log")));
        }
        BrokerCluster cluster = new BrokerCluster(nodes, clusterIdOf(dataDir), settings(nodes));
        try {
            for (int i = 0; i < size; i++) {
                cluster.launch(i);
            }
            for (BrokerProcess process : cluster.processes) {
                process.awaitReady();
            }
        } catch (RuntimeException | IOException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The settings every node shares: the voters, and the replication a production cluster has. */
    private static Map<String, String> settings(List<Node> nodes) {
        int replicas = Math.min(3, nodes.size());
        String minIsr = String.valueOf(Math.max(1, replicas - 1));
        Map<String, String> props = new HashMap<>();
        props.put("controller.quorum.voters", nodes.stream()
                .map(node -> node.id() + "@" + BrokerSettings.DEFAULT_HOST + ":" + node.controllerPort())
                .collect(Collectors.joining(",")));
        props.put("default.replication.factor", String.valueOf(replicas));
        props.put("min.insync.replicas", minIsr);
        props.put("offsets.topic.replication.factor", String.valueOf(replicas));
        props.put("transaction.state.log.replication.factor", String.valueOf(replicas));
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", String.valueOf(replicas));
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        return props;
    }

    /** The cluster id, kept beside the nodes' data so a restarted cluster finds its storage again. */
    private static String clusterIdOf(Path dataDir) throws IOException {
        Path file = dataDir.resolve("cluster-id");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        String id = Uuid.randomUuid().toString();
        Files.writeString(file, id + "\n");
        return id;
    }

    private void launch(int index) throws IOException {
        Node node = nodes.get(index);
        Map<String, String> overrides = new HashMap<>(shared);
        overrides.put("node.id", String.valueOf(node.id()));
        Path log = generation[index] == 0 ? node.log()
                : node.log().resolveSibling("node-" + node.id() + "." + generation[index] + ".log");
        generation[index]++;
        processes[index] = BrokerProcess.launch(node.port(), node.controllerPort(), node.dataDir(), log, overrides, clusterId);
    }

    /** {@code host:port,...} of every node, for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return nodes.stream().map(node -> BrokerSettings.DEFAULT_HOST + ":" + node.port()).collect(Collectors.joining(","));
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** The node with this id (1-based, as Kafka numbers them). */
    public Node node(int id) {
        return nodes.get(index(id));
    }

    /** Whether the node's JVM is running (a frozen one counts as running). */
    public boolean isRunning(int id) {
        BrokerProcess process = processes[index(id)];
        return process != null && process.isAlive();
    }

    /** SIGKILL: the node is gone at once, with whatever it had not flushed. */
    public void kill(int id) throws InterruptedException {
        BrokerProcess process = processes[index(id)];
        if (process != null) {
            process.kill();
        }
    }

    /** SIGTERM: a clean stop, as for an upgrade; waits until it has exited. */
    public void stop(int id) throws InterruptedException {
        BrokerProcess process = processes[index(id)];
        if (process != null) {
            process.stop();
        }
    }

    /** SIGSTOP: the node stops answering without closing a socket (a long GC pause, a hung VM). */
    public void freeze(int id) throws IOException, InterruptedException {
        processes[index(id)].signal("STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    public void thaw(int id) throws IOException, InterruptedException {
        processes[index(id)].signal("CONT");
    }

    /** Starts a node that was killed or stopped again, on its ports and data; returns once it answers. */
    public void restart(int id) throws IOException {
        int index = index(id);
        if (processes[index] != null && processes[index].isAlive()) {
            throw new IllegalStateException("node " + id + " is still running");
        }
        launch(index);
        processes[index].awaitReady();
    }

    private int index(int id) {
        if (id < 1 || id > nodes.size()) {
            throw new IllegalArgumentException("no node " + id + " in a cluster of " + nodes.size());
        }
        return id - 1;
    }

    /** Stops every node cleanly (SIGTERM to all at once), killing any that has not exited within 30 s. */
    public void shutdown() throws InterruptedException {
        for (BrokerProcess process : processes) {
            if (process != null) {
                process.terminate();
            }
        }
        for (BrokerProcess process : processes) {
            if (process != null && !process.awaitExit(java.time.Duration.ofSeconds(30))) {
                process.close();
            }
        }
    }

    /** Stops every node at once (SIGKILL: nothing is kept but what is on disk). */
    @Override
    public void close() {
        IntStream.range(0, processes.length).filter(i -> processes[i] != null).forEach(i -> processes[i].close());
    }
}
