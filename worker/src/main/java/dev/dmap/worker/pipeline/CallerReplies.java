package dev.dmap.worker.pipeline;

/**
 * The replies to a caller who waits for a request (an online call, {@link Work#replyTo()}): its
 * streamed events while it is served, then its outcome, sent at once. They are for the caller only:
 * the terminal record, on the results or dead-letter topic, is the record of what happened.
 */
public interface CallerReplies {
    /** Sends nothing: a worker without the online lane. */
    CallerReplies NONE = new CallerReplies() {
        @Override
        public Stream open(String replyTo, String requestId, String attempt) {
            return new Stream() {
                @Override
                public void event(String type, String data) {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void outcome(String replyTo, String requestId, Outcome outcome) {
        }
    };

    /** The events of one attempt to serve a request, sent in small batches; {@link #close} sends what is left. */
    interface Stream extends AutoCloseable {
        void event(String type, String data);

        @Override
        void close();
    }

    /**
     * @param attempt which serving this is (worker and counter), so that the caller can tell a
     *                second attempt's events from the first's
     */
    Stream open(String replyTo, String requestId, String attempt);

    /** The outcome (succeeded or failed); other outcomes (deferred, interrupted) are not final and send nothing. */
    void outcome(String replyTo, String requestId, Outcome outcome);
}
