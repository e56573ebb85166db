package dev.dmap.devkit.emulator;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-shot signal that ends a simulated wait early: one per HTTP call. Waiting on a latch
 * instead of sleeping is what lets an unload fail the requests of the evicted model at once,
 * and a crash free every handler thread at once, without interrupts or polling.
 */
final class Cancellation {
    /** Why a wait ended early. */
    enum Reason {
        /** The instance serving the call was unloaded (explicit unload or JIT auto-evict). */
        MODEL_UNLOADED,
        /** The emulator crashed; the connection is already gone. */
        SERVER_CRASHED
    }

    private final CountDownLatch signal = new CountDownLatch(1);
    private volatile Reason reason;

    /** Cancels with {@code why}; the first reason wins. */
    void cancel(Reason why) {
        synchronized (this) {
            if (reason == null) {
                reason = why;
            }
        }
        signal.countDown();
    }

    /** Throws if cancelled. */
    void check() {
        Reason why = reason;
        if (why != null) {
            throw new CancelledException(why);
        }
    }

    /**
     * Waits {@code nanos} of real time unless cancelled first.
     *
     * @throws CancelledException when cancelled before or during the wait, or interrupted
     */
    void await(long nanos) {
        check();
        if (nanos <= 0) {
            return;
        }
        try {
            signal.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException(Reason.SERVER_CRASHED);
        }
        check();
    }

    /** Thrown out of a wait that was cancelled. */
    static final class CancelledException extends RuntimeException {
        private final Reason reason;

        CancelledException(Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }

        Reason reason() {
            return reason;
        }
    }
}
