package io.hyperai.gear.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.hyperai.common.client.RefusedByDependency;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;

/**
 * execution-service: the saved working directory of an ended execution (contract in
 * gear-service/docs/contracts.md). 404 when the execution does not exist, has not ended or saved nothing.
 */
@RegisterRestClient(configKey = "execution")
@OidcClientFilter
@Path("/internal/executions")
public interface ExecutionClient {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Output(String executionId, String ownerId, String gearId, String state, String workdirPath, long bytes) {
    }

    @GET
    @Path("{id}/output")
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RefusedByDependency.class)
    @CircuitBreakerName("execution")
    Uni<Output> output(@PathParam("id") String executionId);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return RefusedByDependency.of(response);
    }
}
