package dev.dmap.gateway;

import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.devkit.emulator.EmulatorConfig;
import dev.dmap.devkit.emulator.LmStudioEmulator;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.BatchSettings;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;

/** What serves a gateway test's batches: a real broker, the LM Studio EMULATOR and one worker with its batch tracker. */
final class ServingFleet implements AutoCloseable {
    final LocalBroker broker;
    private final LmStudioEmulator gpu;
    private final Worker worker;

    private ServingFleet(LocalBroker broker, LmStudioEmulator gpu, Worker worker) {
        this.broker = broker;
        this.gpu = gpu;
        this.worker = worker;
    }

    /** On a temporary broker of its own. */
    static ServingFleet start(Path dir, double timeScale) {
        return start(LocalBroker.startTemporary(), dir, timeScale);
    }

    /** On this broker (closed with the fleet); the worker uses its plaintext listener, its tracker keeps state in {@code dir}. */
    static ServingFleet start(LocalBroker broker, Path dir, double timeScale) {
        return start(broker, dir, EmulatorConfig.builder().port(0).timeScale(timeScale).build());
    }

    /** With this emulator. */
    static ServingFleet start(LocalBroker broker, Path dir, EmulatorConfig emulator) {
        LmStudioEmulator gpu = LmStudioEmulator.start(emulator);
        WorkerConfig config = WorkerConfig.defaults("gateway-test-worker", broker.bootstrapServers(), gpu.baseUrl());
        config = config.withBackend(config.backend().withUnloadCooldown(Duration.ofMillis(20)))
                .withBatches(new BatchSettings(true, dir.resolve("tracker"), BatchSettings.DEFAULT_RETENTION));
        return new ServingFleet(broker, gpu, Worker.start(config, new SimpleMeterRegistry()));
    }

    /** Backend calls the GPU (emulator) has had. */
    int inferenceCalls() {
        return gpu.stats().totalInferenceCalls();
    }

    @Override
    public void close() {
        worker.close();
        gpu.close();
        broker.close();
    }
}
