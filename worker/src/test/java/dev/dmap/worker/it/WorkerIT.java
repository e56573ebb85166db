package dev.dmap.worker.it;

/** The scenarios on the shared test broker: embedded KRaft by default, a container when asked. */
class WorkerIT extends WorkerScenarios {
    @Override
    String bootstrapServers() {
        return TestBroker.bootstrapServers();
    }
}
