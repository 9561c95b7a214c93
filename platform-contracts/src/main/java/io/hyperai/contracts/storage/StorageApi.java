package io.hyperai.contracts.storage;

import java.time.Instant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import org.jboss.resteasy.reactive.RestResponse;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.smallrye.mutiny.Uni;

/** storage-service for the gear, execution and warehouse services: admission checks and upload reservations. */
@Path("/internal/storage")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface StorageApi {

    /** May this user create or upload anything? {@code blocked} while usage is over the quota. */
    @GET
    @Path("admission/{userId}")
    @Operation(summary = "May this user add data (is their usage within the quota)?")
    Uni<StorageAdmission> admission(@Parameter(description = "The user") @PathParam("userId") String userId);

    /**
     * 201 with the reservation and its Location, or 409 {@code urn:hyperai:problem:quota-exceeded}. Idempotent by the
     * request's {@code id}: repeated, it answers the reservation it made and holds nothing more.
     */
    @POST
    @Path("reservations")
    @Operation(summary = "Hold bytes of a user's quota for an upload about to be accepted", description = "Safe to repeat"
            + " with the same `id` (a UUID the caller chooses): a repeat answers the reservation the first request made;"
            + " the same `id` for other bytes or another user is 409 `reservation-id-taken`.")
    Uni<RestResponse<Reservation>> reserve(@Valid @NotNull ReservationRequest request);

    /** Gives a reservation back; idempotent (204 whether or not it still existed). */
    @DELETE
    @Path("reservations/{id}")
    @Operation(summary = "Release a reservation")
    Uni<Void> release(@Parameter(description = "The reservation's id") @PathParam("id") String id);

    /** A user's standing; {@code reason} says why a blocked user is blocked (null when allowed). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record StorageAdmission(String userId, long quotaBytes, long usedBytes, long reservedBytes, boolean blocked,
            String reason) {

        /** Bytes the user may still reserve. */
        public long freeBytes() {
            return quotaBytes - usedBytes - reservedBytes;
        }
    }

    /**
     * Hold {@code bytes} of {@code userId}'s quota for an upload about to be accepted (read strictly, as any request).
     * {@code id}, a UUID the caller chooses, makes the request safe to repeat (a caller that lost the answer, to a
     * timeout or a closed connection, asks again and gets the same reservation); without it storage picks one.
     */
    record ReservationRequest(@NotBlank @Size(max = 200) String userId, @NotNull @Positive Long bytes,
            @Pattern(regexp = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}") String id) {
    }

    /** Held until released, committed by the upload's event, or {@code expiresAt}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Reservation(String id, String userId, long bytes, Instant expiresAt) {
    }
}
