package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicReplicationTest {

    @Test
    void shouldLeaveBothToTheClusterWhenUnsetOrZero() {
        TopicReplication replication = TopicReplication.of(0, null);
        assertThat(replication.replicationFactor()).isEmpty();
        assertThat(replication.withMinInsync(Map.of("cleanup.policy", "compact"))).containsOnlyKeys("cleanup.policy");
    }

    @Test
    void shouldSetTheFactorAndAddMinInsyncToATopicsOwnConfigs() {
        TopicReplication replication = TopicReplication.of(3, 2);
        assertThat(replication.replicationFactor()).contains((short) 3);
        assertThat(replication.withMinInsync(Map.of("cleanup.policy", "compact")))
                .containsEntry("cleanup.policy", "compact").containsEntry("min.insync.replicas", "2");
    }

    @Test
    void shouldRefuseAMinInsyncAboveTheFactorNamingBoth() {
        assertThatThrownBy(() -> TopicReplication.of(2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("min.insync.replicas (3)").hasMessageContaining("replication factor (2)");
        assertThatThrownBy(() -> TopicReplication.of(-1, null)).hasMessageContaining("at least 1");
    }
}
