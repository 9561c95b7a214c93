package io.hyperai.execution.config;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hyperai.execution.capacity.CapacitySource;
import io.hyperai.execution.capacity.ClusterCapacity;
import io.hyperai.execution.capacity.LocalCapacity;
import io.hyperai.execution.capacity.PoolHolds;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.KubernetesRuntime;
import io.hyperai.execution.runtime.LocalProcessRuntime;

/** Picks the runtime (and where its capacity comes from) named by {@code hyperai.execution.runtime} when the service starts. */
public class RuntimeProducer {

    @Produces
    @ApplicationScoped
    ExecutionRuntime runtime(ExecutionConfig config, Instance<KubernetesRuntime> kubernetes,
            Instance<LocalProcessRuntime> local) {
        return switch (config.runtime()) {
            case "kubernetes" -> kubernetes.get();
            case "local" -> local.get();
            default -> throw new IllegalStateException(
                    "hyperai.execution.runtime must be kubernetes or local, not " + config.runtime());
        };
    }

    /** The capacity executions are queued against: the cluster's, or this machine's from configuration. */
    @Produces
    @ApplicationScoped
    CapacitySource capacity(ExecutionConfig config, Instance<KubernetesClient> client) {
        return "kubernetes".equals(config.runtime())
                ? new ClusterCapacity(client.get(), config.namespace(), config.queue().capacityRefresh())
                : new LocalCapacity(config.queue());
    }

    /** One record of refused pools, for the dispatcher that reads it and every container removal that lifts it. */
    @Produces
    @ApplicationScoped
    PoolHolds poolHolds(ExecutionConfig config) {
        return new PoolHolds(config.queue().refusalHold(), config.queue().refusalHoldLongest(), Clock.systemUTC());
    }
}
