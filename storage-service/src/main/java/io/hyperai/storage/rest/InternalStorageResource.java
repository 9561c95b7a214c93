package io.hyperai.storage.rest;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.storage.mapping.AccountView;
import io.hyperai.storage.mapping.ReservationRequest;
import io.hyperai.storage.mapping.ReservationView;
import io.hyperai.storage.service.ReservationService;
import io.hyperai.storage.service.StorageService;
import io.smallrye.mutiny.Uni;

/** Admission checks and upload reservations, for the gear, execution and warehouse services. */
@Path("/internal/storage")
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalStorageResource {

    private final StorageService storage;
    private final ReservationService reservations;

    public InternalStorageResource(StorageService storage, ReservationService reservations) {
        this.storage = storage;
        this.reservations = reservations;
    }

    @GET
    @Path("admission/{userId}")
    @Operation(summary = "May this user add data (is their usage within the quota)?")
    public Uni<AccountView> admission(@Parameter(description = "The user") @PathParam("userId") String userId) {
        return storage.admission(userId);
    }

    @Consumes(MediaType.APPLICATION_JSON)
    /** 201 with the reservation, or 409 {@code urn:hyperai:problem:quota-exceeded}. */
    @POST
    @Path("reservations")
    @Operation(summary = "Hold bytes of a user's quota for an upload about to be accepted")
    public Uni<RestResponse<ReservationView>> reserve(@Valid @NotNull ReservationRequest request) {
        return reservations.reserve(request.userId(), request.bytes()).map(ReservationView::of)
                .map(r -> RestResponse.ResponseBuilder.<ReservationView> created(
                        URI.create("/internal/storage/reservations/" + r.id())).entity(r).build());
    }

    /** Releases a reservation; idempotent (204 whether or not it still existed). */
    @DELETE
    @Path("reservations/{id}")
    @Operation(summary = "Release a reservation")
    public Uni<RestResponse<Void>> release(@Parameter(description = "The reservation's id") @PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("id", "is not a reservation id");
        }
        return reservations.release(uuid).map(v -> RestResponse.noContent());
    }
}
