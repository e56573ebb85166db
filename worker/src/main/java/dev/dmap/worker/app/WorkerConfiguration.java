package dev.dmap.worker.app;

import dev.dmap.worker.Worker;
import dev.dmap.worker.config.WorkerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the worker with the bound configuration and stops it gracefully with the context (SIGTERM). */
@Configuration(proxyBeanMethods = false)
class WorkerConfiguration {
    private static final Logger log = LoggerFactory.getLogger(WorkerConfiguration.class);

    @Bean(destroyMethod = "close")
    Worker worker(WorkerProperties properties, MeterRegistry registry) {
        WorkerConfig config = properties.toConfig();
        log.info("Configuration: {}", config);
        return Worker.start(config, registry);
    }

    @Bean
    LmStudioHealthIndicator lmstudioHealthIndicator(Worker worker, WorkerProperties properties) {
        return new LmStudioHealthIndicator(worker, properties.toConfig().backend().baseUrl());
    }

    @Bean(destroyMethod = "close")
    KafkaHealthIndicator kafkaHealthIndicator(WorkerProperties properties) {
        return new KafkaHealthIndicator(properties.toConfig().kafka());
    }
}
