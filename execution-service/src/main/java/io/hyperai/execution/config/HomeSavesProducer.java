package io.hyperai.execution.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

import io.hyperai.execution.runtime.HomeSaves;
import io.hyperai.execution.runtime.KubernetesRuntime;

/** Who saves an ended execution's home: the Kubernetes runtime's save pods; the local runtime before it ends. */
public class HomeSavesProducer {

    @Produces
    @ApplicationScoped
    HomeSaves homeSaves(ExecutionConfig config, Instance<KubernetesRuntime> kubernetes) {
        if ("kubernetes".equals(config.runtime())) {
            return kubernetes.get();
        }
        // LocalProcessRuntime copies the home before it reports the end
        return executionId -> true;
    }
}
