package dev.dmap.worker.app;

import dev.dmap.schemas.ExitCodes;
import dev.dmap.worker.kafka.OutputTopics;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A worker that Kafka refuses at start (credentials, TLS, ACLs) fails with a short report that
 * names the cause and the setting to check, instead of a wall of stack frames; the process then
 * exits with {@link ExitCodes#WORKER_FAILED} ({@link WorkerApplication#main}).
 */
class KafkaRefusedFailureAnalyzer extends AbstractFailureAnalyzer<OutputTopics.Refused> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, OutputTopics.Refused cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Check dmap.kafka.properties.* (security.protocol, sasl.mechanism, sasl.jaas.config, the truststore) "
                        + "and the ACLs of this worker's user; see docs/configuration.md, Secured Kafka.", null);
    }
}
