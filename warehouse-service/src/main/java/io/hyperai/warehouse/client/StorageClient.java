package io.hyperai.warehouse.client;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;

/** storage-service's internal API, called with this service's own client-credentials token. */
@RegisterRestClient(configKey = "storage")
@OidcClientFilter
@Path("/internal/storage")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface StorageClient {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Admission(String userId, long quotaBytes, long usedBytes, long reservedBytes, boolean blocked,
            String reason) {
        /** Bytes the user may still reserve. */
        public long freeBytes() {
            return quotaBytes - usedBytes - reservedBytes;
        }
    }

    record ReservationRequest(String userId, long bytes) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Reservation(String id, String userId, long bytes, Instant expiresAt) {
    }

    /** storage-service refused a reservation: it would exceed the user's quota (409). */
    class QuotaRefusedException extends RuntimeException {
        public QuotaRefusedException() {
            super("storage quota exceeded", null, false, false);
        }
    }

    @GET
    @Path("admission/{userId}")
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    Uni<Admission> admission(@PathParam("userId") String userId);

    @POST
    @Path("reservations")
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS,
            skipOn = QuotaRefusedException.class)
    Uni<Reservation> reserve(ReservationRequest request);

    @DELETE
    @Path("reservations/{id}")
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    Uni<Void> release(@PathParam("id") String id);

    @ClientExceptionMapper
    static RuntimeException refused(Response response) {
        return response.getStatus() == 409 ? new QuotaRefusedException() : null;
    }
}
