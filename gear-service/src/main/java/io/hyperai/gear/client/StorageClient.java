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

/** storage-service's admission check: may this user create something that will use storage? */
@RegisterRestClient(configKey = "storage")
@OidcClientFilter
@Path("/internal/storage")
public interface StorageClient {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Admission(String userId, long quotaBytes, long usedBytes, long reservedBytes, boolean blocked) {
    }

    @GET
    @Path("admission/{userId}")
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RefusedByDependency.class)
    @CircuitBreakerName("storage")
    Uni<Admission> admission(@PathParam("userId") String userId);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return RefusedByDependency.of(response);
    }
}
