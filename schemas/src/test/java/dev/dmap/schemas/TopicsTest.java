package dev.dmap.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicsTest {

    @Test
    void shouldKeepTheOnlineLaneApartFromTheRequestTopicsButServeBoth() {
        Topics topics = Topics.defaults();
        assertThat(topics.online("Qwen/Qwen2.5-7B")).isEqualTo("dmap.online.qwen-qwen2.5-7b");
        assertThat(topics.servedPattern().matcher("dmap.online.qwen-qwen2.5-7b").matches()).isTrue();
        assertThat(topics.servedPattern().matcher("dmap.requests.qwen-qwen2.5-7b").matches()).isTrue();
        assertThat(topics.servedPattern().matcher("dmap.results").matches()).isFalse();
        assertThat(topics.servedPattern().matcher("dmapxonline.m").matches()).as("the dots are literal").isFalse();
        assertThat(topics.modelKeyOf("dmap.online.m-1")).isEqualTo("m-1");
        assertThat(topics.modelKeyOf("dmap.requests.m-1")).isEqualTo("m-1");
        assertThat(topics.modelKeyOf("dmap.results")).isNull();
        assertThat(topics.isOnline("dmap.online.m-1")).isTrue();
        assertThat(topics.isOnline("dmap.requests.m-1")).isFalse();
    }

    @Test
    void shouldNameTheModelOfAnOnlineTopicAsOfARequestTopicWhateverThePrefix() {
        assertThat(Topics.servedModelKey("dmap.online.qwen2.5-7b")).isEqualTo("qwen2.5-7b");
        assertThat(Topics.servedModelKey("team-a.requests.m-1")).isEqualTo("m-1");
        assertThat(Topics.servedModelKey("x.requests.model.online.y")).as("the first marker wins").isEqualTo("model.online.y");
        assertThat(Topics.servedModelKey("dmap.results")).isEqualTo("dmap.results");
    }

    @Test
    void shouldTellAReplyTopicFromAnyOtherTopic() {
        Topics topics = Topics.defaults();
        assertThat(topics.isReplyTopic(topics.replies("abc123"))).isTrue();
        assertThat(topics.isReplyTopic("dmap.results")).isFalse();
        assertThat(topics.isReplyTopic("dmap.replies.")).isFalse();
        assertThat(topics.isReplyTopic("other.replies.abc")).isFalse();
        assertThat(topics.isReplyTopic(null)).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "qwen2.5-7b-instruct, qwen2.5-7b-instruct",
        "Qwen/Qwen2.5-7B-Instruct, qwen-qwen2.5-7b-instruct",
        "lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF@q4_k_m, lmstudio-community-meta-llama-3.1-8b-instruct-gguf-q4_k_m",
        "'  spaced  out  ', spaced-out",
        "gemma-3-1b-it-qat:2, gemma-3-1b-it-qat-2"
    })
    void shouldMapAModelIdToItsKey(String modelId, String key) {
        assertThat(Topics.modelKey(modelId)).isEqualTo(key);
    }

    @Test
    void shouldCutALongKeyAndAppendTheHashOfTheExactId() {
        String id = "a".repeat(300);
        String key = Topics.modelKey(id);
        assertThat(key).hasSize(Topics.MAX_MODEL_KEY + 9)
                .startsWith("a".repeat(Topics.MAX_MODEL_KEY) + "-")
                .endsWith(OutputIds.sha256Hex(id).substring(0, 8));
    }

    @Test
    void shouldHashAnIdThatLeavesNothing() {
        // frozen: changing the naming function moves every model to a new topic
        assertThat(Topics.modelKey("///")).isEqualTo("-" + OutputIds.sha256Hex("///").substring(0, 8));
        assertThat(OutputIds.sha256Hex("///")).startsWith("732c4e97");
    }

    @Test
    void shouldNameEveryTopicUnderThePrefix() {
        Topics topics = new Topics("acme");
        assertThat(topics.requests("Qwen/Q")).isEqualTo("acme.requests.qwen-q");
        assertThat(topics.results()).isEqualTo("acme.results");
        assertThat(topics.deadLetters()).isEqualTo("acme.dead-letters");
        assertThat(topics.batches()).isEqualTo("acme.batches");
        assertThat(topics.workers()).isEqualTo("acme.workers");
        assertThat(topics.requestsPattern().matcher("acme.requests.qwen-q").matches()).isTrue();
        assertThat(topics.requestsPattern().matcher("acmexrequests.q").matches()).isFalse();
    }

    @Test
    void shouldRejectAPrefixKafkaCannotUse() {
        assertThatThrownBy(() -> new Topics("bad prefix")).isInstanceOf(IllegalArgumentException.class);
    }
}
