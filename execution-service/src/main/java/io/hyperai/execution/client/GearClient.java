package io.hyperai.execution.client;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.hyperai.common.client.RefusedByDependency;
import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/** gear-service's internal view of a gear: what an execution of it needs. */
@RegisterRestClient(configKey = "gear")
@OidcClientFilter
@Path("/internal/gears")
public interface GearClient {

    @GET
    @Path("{id}")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = RefusedByDependency.class)
    Uni<GearRuntime> gear(@PathParam("id") String id);

    /** A 404 for an unknown gear is an answer, not a failure: it must not open the circuit for everyone. */
    @ClientExceptionMapper
    static RuntimeException toException(jakarta.ws.rs.core.Response response) {
        return RefusedByDependency.of(response);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record GearRuntime(String id, String ownerId, String name, Spec computeSpec, Image image, List<Binding> bindings) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Spec(String id, String kind, int vcpu, int memoryMib, int diskGib, int gpuCount, String gpuModel,
            long pricePerHourMinor, String currency, Map<String, String> nodeSelector) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Image(String id, String imageRef, String build) {
    }

    /** {@code storagePath} for dataset and model versions, {@code workdirPath} for saved outputs. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Binding(String mountPath, Source source, String storagePath, String workdirPath, Long totalBytes) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Source(String kind, String id, Integer version, String executionId) {
    }
}
