package io.hyperai.billing.client;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;

/** gear-service's internal catalogue, called with billing's own client-credentials token. */
@RegisterRestClient(configKey = "gear")
@OidcClientFilter
@Path("/internal/compute-specs")
public interface GearClient {

    @GET
    @Timeout(3000)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, successThreshold = 2)
    Uni<List<ComputeSpecDto>> computeSpecs();
}
