package io.hyperai.execution.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.ExecutionRuntime;

/**
 * Not ready until the runtime knows every container there is: on Kubernetes, until the pod informer's first list
 * arrived (before it, an execution without a pod in the cache may have one). The local runtime's sandboxes are
 * prepared when it is made; if this machine cannot sandbox, the service stays ready and the reason is in the data:
 * every instance on the machine would say the same, and everything but starting executions (refused with that
 * reason) still works.
 */
@Readiness
@ApplicationScoped
public class RuntimeReadiness implements HealthCheck {

    static final String NAME = "execution runtime";

    private final ExecutionRuntime runtime;
    private final ExecutionConfig config;

    public RuntimeReadiness(ExecutionRuntime runtime, ExecutionConfig config) {
        this.runtime = runtime;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).withData("runtime", config.runtime())
                .withData("synced", runtime.synced()).status(runtime.synced());
        runtime.unavailable().ifPresent(why -> response.withData("cannot run executions", why));
        return response.build();
    }
}
