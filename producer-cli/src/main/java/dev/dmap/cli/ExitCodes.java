package dev.dmap.cli;

/** The exit codes of every dmap command; README.md documents them. */
public final class ExitCodes {
    /** Done: every request has its result or dead letter (failures are in the error file). */
    public static final int OK = 0;
    /** An unexpected error; the message says what. */
    public static final int INTERNAL = 1;
    /** Bad usage or bad input: invalid lines (all listed), an unknown batch, a missing file. */
    public static final int INVALID_INPUT = 2;
    /** Kafka or LM Studio cannot be reached. */
    public static final int UNREACHABLE = 3;
    /** The batch completed but not one request succeeded: never to be mistaken for success. */
    public static final int ALL_FAILED = 4;
    /** The wait (--timeout) ended before every request had its terminal record. */
    public static final int TIMED_OUT = 5;
    /** Interrupted (Ctrl-C). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }
}
