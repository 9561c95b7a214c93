package io.hyperai.execution.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import io.hyperai.execution.runtime.HomeSaves;
import io.hyperai.execution.runtime.KubernetesRuntime;
import io.hyperai.execution.runtime.LocalProcessRuntime;

/** Who saves an ended execution's home: the Kubernetes runtime's save pods; the local runtime once its process ends. */
public class HomeSavesProducer {

    @Produces
    @ApplicationScoped
    HomeSaves homeSaves(ExecutionConfig config, Instance<KubernetesRuntime> kubernetes,
            Instance<LocalProcessRuntime> local) {
        return switch (config.runtime()) {
            case "kubernetes" -> kubernetes.get();
            case "local" -> local.get();
            default -> executionId -> true; // no runtime: RuntimeProducer refuses to start
        };
    }
}
