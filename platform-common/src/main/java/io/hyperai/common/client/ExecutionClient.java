package io.hyperai.common.client;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.hyperai.contracts.execution.ExecutionApi;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.faulttolerance.api.ApplyGuard;

/**
 * execution-service: the saved working directory of an ended execution.
 * Called with this service's client-credentials token, under the dependency's one policy.
 */
@RegisterRestClient(configKey = Dependencies.EXECUTION)
@RegisterProvider(RefusedByDependency.Mapper.class)
@OidcClientFilter
@ApplyGuard(Dependencies.EXECUTION)
public interface ExecutionClient extends ExecutionApi {
}
