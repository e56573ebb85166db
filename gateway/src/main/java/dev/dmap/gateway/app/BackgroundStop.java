package dev.dmap.gateway.app;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.DisposableBean;

/** At shutdown, stops the gateway's background work (publishing, sweeping, output writing) and waits a little for it. */
final class BackgroundStop implements DisposableBean {
    private final List<ExecutorService> executors;

    BackgroundStop(List<ExecutorService> executors) {
        this.executors = executors;
    }

    @Override
    public void destroy() throws InterruptedException {
        executors.forEach(ExecutorService::shutdownNow);
        for (ExecutorService executor : executors) {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
