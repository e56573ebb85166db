package dev.dmap.worker.app;

import dev.dmap.schemas.ExitCodes;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.loop.RequestTracing;
import dev.dmap.worker.metrics.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

/** Starts the worker with the bound configuration and stops it gracefully with the context (SIGTERM). */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    @Bean(destroyMethod = "close")
    Worker worker(WorkerProperties properties, MeterRegistry registry, ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator) {
        WorkerConfig config = properties.toConfig();
        log.info("Configuration: {}", config);
        RequestTracing tracing = RequestTracing.of(tracer.getIfAvailable(), propagator.getIfAvailable());
        log.info("Request tracing: {}", tracing);
        return Worker.start(config, registry, tracing, Clock.systemUTC());
    }

    /**
     * {@code dmap_backend_memory_bytes}: the GPU memory of this worker's backend, when configured
     * ({@code dmap.backend.gpu-memory}, e.g. 24GB). LM Studio does not report it; with it, the
     * dashboard shows how full the GPU is.
     */
    @Bean
    MeterBinder backendMemory(@Value("${dmap.backend.gpu-memory:0B}") DataSize memory) {
        if (memory.isNegative()) {
            throw new IllegalArgumentException("dmap.backend.gpu-memory must not be negative: " + memory);
        }
        return registry -> {
            if (memory.toBytes() > 0) {
                Gauge.builder(MetricNames.BACKEND_MEMORY, memory::toBytes).baseUnit("bytes")
                        .description("GPU memory of this worker's backend (dmap.backend.gpu-memory)").register(registry);
            }
        };
    }

    /**
     * Samples every request by its trace id at {@code management.tracing.sampling.probability},
     * whatever its traceparent's sampled flag says: {@code dmap submit} starts every trace sampled,
     * and a batch of a million requests must not export a million spans. Sampling by trace id
     * gives the same decision in every service that samples that way at that rate.
     */
    @Bean
    Sampler otelSampler(@Value("${management.tracing.sampling.probability:0.1}") double probability) {
        Sampler byTraceId = Sampler.traceIdRatioBased(probability);
        return Sampler.parentBasedBuilder(byTraceId).setRemoteParentSampled(byTraceId)
                .setRemoteParentNotSampled(byTraceId).build();
    }

    /**
     * When the worker stops on its own (it cannot go on: see {@link Worker#onFailure}), the service
     * exits with {@link ExitCodes#WORKER_FAILED} after one ERROR line, so that its supervisor restarts
     * it: a process that does nothing never stays up looking healthy.
     */
    @Bean
    ApplicationRunner exitWhenTheWorkerFails(Worker worker, ConfigurableApplicationContext context) {
        return arguments -> worker.onFailure(why -> {
            log.error("Exiting with code {}: {}", ExitCodes.WORKER_FAILED, why);
            Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context, () -> ExitCodes.WORKER_FAILED)),
                    "dmap-exit");
            exit.start();
        });
    }

    @Bean
    BackendHealthIndicator backendHealthIndicator(Worker worker, WorkerProperties properties) {
        return new BackendHealthIndicator(worker, properties.toConfig().backend().baseUrl());
    }

    /** The backend indicator under its old name, {@code lmstudio}, for one release (docs/metrics.md). */
    @Bean
    BackendHealthIndicator lmstudioHealthIndicator(Worker worker, WorkerProperties properties) {
        return new BackendHealthIndicator(worker, properties.toConfig().backend().baseUrl());
    }

    @Bean
    SchedulerHealthIndicator schedulerHealthIndicator(Worker worker, WorkerProperties properties) {
        return new SchedulerHealthIndicator(worker,
                properties.toConfig().scheduling().strategy().name().toLowerCase(java.util.Locale.ROOT), Clock.systemUTC());
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(WorkerProperties properties) {
        return new KafkaHealthIndicator(properties.toConfig().kafka());
    }
}
