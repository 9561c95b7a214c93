package io.hyperai.storage.rest;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;

import org.jboss.resteasy.reactive.RestResponse;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.storage.StorageApi;
import io.hyperai.storage.StorageReservation;
import io.hyperai.storage.mapping.AccountView;
import io.hyperai.storage.service.ReservationService;
import io.hyperai.storage.service.StorageService;
import io.smallrye.mutiny.Uni;

/** Admission checks and upload reservations, for the gear, execution and warehouse services. */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalStorageResource implements StorageApi {

    private final StorageService storage;
    private final ReservationService reservations;

    public InternalStorageResource(StorageService storage, ReservationService reservations) {
        this.storage = storage;
        this.reservations = reservations;
    }

    @Override
    public Uni<StorageAdmission> admission(String userId) {
        return storage.admission(userId).map(InternalStorageResource::admission);
    }

    @Override
    public Uni<RestResponse<Reservation>> reserve(ReservationRequest request) {
        // the id's form was validated with the request; a caller that chose none cannot repeat it
        UUID id = request.id() == null ? UUID.randomUUID() : UUID.fromString(request.id());
        return reservations.reserve(request.userId(), request.bytes(), id).map(InternalStorageResource::reservation)
                .map(r -> RestResponse.ResponseBuilder.<Reservation> created(
                        URI.create("/internal/storage/reservations/" + r.id())).entity(r).build());
    }

    @Override
    public Uni<Void> release(String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("id", "is not a reservation id");
        }
        return reservations.release(uuid);
    }

    private static StorageAdmission admission(AccountView a) {
        return new StorageAdmission(a.userId(), a.quotaBytes(), a.usedBytes(), a.reservedBytes(), a.blocked(),
                a.reason());
    }

    private static Reservation reservation(StorageReservation r) {
        return new Reservation(r.id.toString(), r.userId, r.bytes, r.expiresAt);
    }
}
