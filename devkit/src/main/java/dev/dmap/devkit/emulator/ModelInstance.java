package dev.dmap.devkit.emulator;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded (or loading) copy of a model, such as {@code qwen2.5-7b-instruct} or its
 * duplicate {@code qwen2.5-7b-instruct:2}. It owns the parallel slots: a fair semaphore, so
 * calls beyond the slot count wait in arrival order, like LM Studio's hidden queue.
 *
 * <p>Unloading wakes everybody at once: every admitted call is cancelled with
 * {@link Cancellation.Reason#MODEL_UNLOADED} (or the crash reason), and the semaphore gets a
 * flood of permits so that queued calls leave the queue and see the instance is gone.
 */
final class ModelInstance {
    /** Permits released on unload; far above any real queue, far below overflow. */
    private static final int FLOOD = 1_000_000;

    enum State { LOADING, READY, UNLOADED }

    private final String id;
    private final EmulatedModel model;
    private final InstanceConfig config;
    private final boolean jitLoaded;
    private final Semaphore slots;
    private final Set<Cancellation> admitted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger generating = new AtomicInteger();
    private volatile State state = State.LOADING;
    /** Real time after which an idle JIT-loaded instance unloads itself (LM Studio's {@code ttl}); null = never. */
    private volatile Duration idleTtl;
    private volatile long lastActiveNanos = System.nanoTime();

    ModelInstance(String id, EmulatedModel model, InstanceConfig config, boolean jitLoaded) {
        this.id = id;
        this.model = model;
        this.config = config;
        this.jitLoaded = jitLoaded;
        this.slots = new Semaphore(config.parallel(), true);
    }

    String id() {
        return id;
    }

    EmulatedModel model() {
        return model;
    }

    InstanceConfig config() {
        return config;
    }

    boolean jitLoaded() {
        return jitLoaded;
    }

    State state() {
        return state;
    }

    void markReady() {
        state = State.READY;
    }

    /** Registers a call so that an unload can cancel it; false when the instance is already gone. */
    synchronized boolean admit(Cancellation call) {
        if (state == State.UNLOADED) {
            return false;
        }
        admitted.add(call);
        lastActiveNanos = System.nanoTime();
        return true;
    }

    void leave(Cancellation call) {
        admitted.remove(call);
        lastActiveNanos = System.nanoTime();
    }

    /** Sets the idle time-to-live of a JIT-loaded instance (a later request's {@code ttl} replaces it). */
    void expireAfterIdle(Duration realTtl) {
        idleTtl = realTtl;
    }

    /** Whether its TTL has passed with no call admitted: LM Studio would have unloaded it by now. */
    boolean idleExpired() {
        Duration ttl = idleTtl;
        return ttl != null && state == State.READY && admitted.isEmpty()
                && System.nanoTime() - lastActiveNanos >= ttl.toNanos();
    }

    /**
     * Waits (FIFO) for a free slot.
     *
     * @throws Cancellation.CancelledException when the call or the instance ends while waiting
     */
    void acquireSlot(Cancellation call) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Cancellation.CancelledException(Cancellation.Reason.SERVER_CRASHED);
        }
        if (state == State.UNLOADED) {
            slots.release();
            call.check();
            throw new Cancellation.CancelledException(Cancellation.Reason.MODEL_UNLOADED);
        }
    }

    /** Calls waiting for a slot now (an estimate, as {@link Semaphore#getQueueLength()} is). */
    int queuedCalls() {
        return slots.getQueueLength();
    }

    void releaseSlot() {
        slots.release();
    }

    /** Counts a call that starts generating; returns how many generate now, itself included. */
    int generationStarted() {
        return generating.incrementAndGet();
    }

    void generationFinished() {
        generating.decrementAndGet();
    }

    /** Ends the instance: admitted calls are cancelled with {@code reason}, queued calls are released. */
    void shutDown(Cancellation.Reason reason) {
        synchronized (this) {
            if (state == State.UNLOADED) {
                return;
            }
            state = State.UNLOADED;
        }
        admitted.forEach(call -> call.cancel(reason));
        slots.release(FLOOD);
    }

    @Override
    public String toString() {
        return id + "(" + state + ", ctx " + config.contextLength() + (jitLoaded ? ", jit" : "") + ")";
    }
}
