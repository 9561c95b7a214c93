package io.hyperai.execution.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.KubernetesRuntime;
import io.hyperai.execution.runtime.LocalProcessRuntime;

/** Picks the runtime named by {@code hyperai.execution.runtime} when the service starts. */
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
}
