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

/** warehouse-service: a dataset or model version, its owner and where its files are. */
@RegisterRestClient(configKey = "warehouse")
@OidcClientFilter
@Path("/internal/warehouse")
public interface WarehouseClient {

    /** {@code collection} is {@code datasets} or {@code models}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Version(String itemId, String kind, int version, String ownerId, long totalBytes, String storagePath) {
    }

    @GET
    @Path("{collection}/{id}/versions/{n}")
    @Timeout(2000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RefusedByDependency.class)
    @CircuitBreakerName("warehouse")
    Uni<Version> version(@PathParam("collection") String collection, @PathParam("id") String id,
            @PathParam("n") int version);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        return RefusedByDependency.of(response);
    }
}
