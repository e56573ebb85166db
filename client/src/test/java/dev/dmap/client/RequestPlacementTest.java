package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

class RequestPlacementTest {
    private static final String TOPIC = "dmap.requests.m";
    private static final int PARTITIONS = 6;
    private static final Node NODE = new Node(1, "localhost", 9092);
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(new Cluster("c", List.of(NODE),
            IntStream.range(0, PARTITIONS).mapToObj(p -> new PartitionInfo(TOPIC, p, NODE, new Node[] {NODE}, new Node[] {NODE}))
                    .toList(), java.util.Set.of(), java.util.Set.of()), true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final RequestPlacement placement = new RequestPlacement();

    private static Request chat(String id, String system, String question, Double temperature) {
        ObjectNode body = MessageCodec.mapper().createObjectNode().put("model", "m");
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        body.putArray("messages").addObject().put("role", "system").put("content", system);
        body.withArray("messages").addObject().put("role", "user").put("content", question);
        return new Request(id, "POST", "/v1/chat/completions", body, Request.SCHEMA_VERSION, null, null, null, null, 0, 1);
    }

    @Test
    void shouldPlaceAPrefixsRequestsTogetherAndMoveOnAfterARun() {
        String manual = "You are the support desk of a bicycle shop. ".repeat(40);
        Map<Integer, Integer> partitions = new HashMap<>();
        for (int i = 0; i < RequestPlacement.RUN * PARTITIONS; i++) {
            partitions.merge(placement.partition(producer, TOPIC, chat("q" + i, manual, "Question " + i, 0.7)), 1, Integer::sum);
        }

        assertThat(partitions).as("a run of %d per partition, every partition in turn", RequestPlacement.RUN)
                .hasSize(PARTITIONS).allSatisfy((partition, count) -> assertThat(count).isEqualTo(RequestPlacement.RUN));
        Integer first = new RequestPlacement().partition(producer, TOPIC, chat("a", manual, "one", 0.7));
        assertThat(new RequestPlacement().partition(producer, TOPIC, chat("b", manual, "two", null))).isEqualTo(first);
    }

    @Test
    void shouldLeaveAShortPromptToThePartitionerAndPlaceACacheableOneByItsBody() {
        assertThat(placement.partition(producer, TOPIC, chat("a", "Be brief.", "Hi", 0.7))).isNull();

        String manual = "You are the support desk of a bicycle shop. ".repeat(40);
        Integer greedy = placement.partition(producer, TOPIC, chat("a", manual, "Same question", 0.0));
        for (int i = 0; i < 3 * RequestPlacement.RUN; i++) {
            assertThat(placement.partition(producer, TOPIC, chat("r" + i, manual, "Same question", 0.0)))
                    .as("identical cacheable bodies stay on one partition").isEqualTo(greedy);
        }
    }
}
