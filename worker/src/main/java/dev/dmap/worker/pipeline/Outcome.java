package dev.dmap.worker.pipeline;

import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.Result;

/** How serving one request ended, as far as the pipeline is concerned. */
public sealed interface Outcome {

    /** It succeeded: publish the result. */
    record Succeeded(Result result) implements Outcome {
    }

    /** It failed for good: publish the dead letter. */
    record Failed(DeadLetter deadLetter) implements Outcome {
    }

    /**
     * It could not be served now because the backend as a whole is unusable; the request goes
     * back to the queue untouched and the worker pauses until the backend answers again.
     *
     * @param reason why, for the log
     */
    record Deferred(String reason) implements Outcome {
    }

    /**
     * A duplicate: the request already has its terminal record (its batch has ended). Nothing is
     * published; its offset is simply committed.
     *
     * @param reason why, for the log
     */
    record Skipped(String reason) implements Outcome {
    }

    /**
     * The worker is stopping and interrupted the call. Nothing is published: the request is served
     * again by its partition's next owner.
     */
    record Interrupted() implements Outcome {
    }
}
