package dev.dmap.schemas.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The one table of Kafka failures: what waiting heals and what it does not. */
class KafkaFailureTest {
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(new TimeoutException("no node"), KafkaFailure.TIMED_OUT, true),
                Arguments.of(new DisconnectException("dropped"), KafkaFailure.BROKER_UNAVAILABLE, true),
                Arguments.of(new NotLeaderOrFollowerException("moved"), KafkaFailure.BROKER_UNAVAILABLE, true),
                Arguments.of(new NotEnoughReplicasException("isr"), KafkaFailure.NOT_ENOUGH_REPLICAS, true),
                Arguments.of(new CoordinatorNotAvailableException("loading"), KafkaFailure.COORDINATOR_MOVED, true),
                Arguments.of(new UnknownTopicOrPartitionException("not yet"), KafkaFailure.OTHER_RETRIABLE, true),
                Arguments.of(new SslAuthenticationException("PKIX"), KafkaFailure.TLS_HANDSHAKE, false),
                Arguments.of(new SaslAuthenticationException("bad password"), KafkaFailure.AUTHENTICATION, false),
                Arguments.of(new TopicAuthorizationException("denied"), KafkaFailure.AUTHORIZATION, false),
                Arguments.of(new UnsupportedVersionException("old broker"), KafkaFailure.UNSUPPORTED_VERSION, false),
                Arguments.of(new InvalidConfigurationException("bad config"), KafkaFailure.INVALID_CONFIGURATION, false),
                Arguments.of(new FencedInstanceIdException("same id"), KafkaFailure.FENCED_INSTANCE, false),
                Arguments.of(new KafkaException("wrapped", new TopicAuthorizationException("denied")), KafkaFailure.AUTHORIZATION, false),
                Arguments.of(new RuntimeException("wrapped", new TimeoutException("late")), KafkaFailure.TIMED_OUT, true));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void shouldClassifyEachFailureOnce(Throwable error, KafkaFailure expected, boolean retryable) {
        assertThat(KafkaFailure.classify(error)).hasValueSatisfying(classified -> {
            assertThat(classified.failure()).isEqualTo(expected);
            assertThat(classified.retryable()).isEqualTo(retryable);
        });
        assertThat(KafkaFailure.isPermanent(error)).isEqualTo(!retryable);
    }

    @ParameterizedTest
    @MethodSource("unknown")
    void shouldLeaveWhatIsNoKafkaFailureUnclassified(Throwable error) {
        assertThat(KafkaFailure.classify(error)).isEmpty();
        assertThat(KafkaFailure.isPermanent(error)).isFalse();
    }

    static Stream<Throwable> unknown() {
        return Stream.of(new IllegalStateException("a bug"), new KafkaException("generic"), new TransactionAbortableException("abort"));
    }
}
