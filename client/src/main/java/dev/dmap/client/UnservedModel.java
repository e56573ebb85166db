package dev.dmap.client;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.ErrorInfo;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.OutputIds;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Source;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A request naming a model the fleet does not serve, ended at submit: its {@code model_not_found}
 * dead letter, as a worker would have written it, so that it counts in its batch and is collected
 * like any other failure; no request topic is created for its model.
 */
final class UnservedModel {
    /** Who ended it, in the dead letter's {@code worker} field. */
    static final String ENDED_BY = "dmap-submit";

    private UnservedModel() {
    }

    static ProducerRecord<byte[], byte[]> deadLetter(Topics topics, Request request, Instant at) {
        DeadLetter deadLetter = new DeadLetter(OutputIds.forRequest(request.id()), request.customId(), null,
                ErrorInfo.of(ErrorCode.MODEL_NOT_FOUND, "the model is not served by any worker of this fleet (checked at submit)"),
                Request.SCHEMA_VERSION, request.id(), request.batchId(), request.model(), ENDED_BY, 0, at,
                new Source(topics.requests(request.model()), -1, -1), MessageCodec.mapper().valueToTree(request), null);
        return new ProducerRecord<>(topics.deadLetters(), request.id().getBytes(StandardCharsets.UTF_8), MessageCodec.encode(deadLetter));
    }
}
