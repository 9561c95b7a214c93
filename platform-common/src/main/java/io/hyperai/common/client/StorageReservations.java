package io.hyperai.common.client;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.files.UploadStager;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.storage.StorageApi.ReservationRequest;
import io.hyperai.contracts.storage.StorageApi.StorageAdmission;
import io.smallrye.mutiny.Uni;

/**
 * Room in a user's storage for an upload, the same for code and data: what is left (the admission), a reservation
 * of the staged bytes, which storage refuses with 409 when it does not fit beside the user's usage and other
 * reservations (so parallel uploads cannot pass the quota together), settled by the upload's event or released
 * when the upload does not complete. Storage unavailable (down, slow, open circuit, 5xx) is a 503 problem with
 * Retry-After; a refused reservation is the {@code quota-exceeded} problem (409).
 */
@ApplicationScoped
public class StorageReservations {

    private static final Logger LOG = Logger.getLogger(StorageReservations.class);
    private static final String STORAGE = "storage-service";

    private final StorageClient storage;

    public StorageReservations(@RestClient StorageClient storage) {
        this.storage = storage;
    }

    public Uni<StorageAdmission> admission(String userId) {
        return call(storage.admission(userId));
    }

    /** The reservation's id; null for nothing to reserve (an upload of empty files). */
    public Uni<UUID> reserve(String userId, long bytes) {
        if (bytes <= 0) {
            return Uni.createFrom().nullItem();
        }
        // our id makes the request safe to repeat: the guard's one retry cannot hold the bytes twice
        String id = UUID.randomUUID().toString();
        return call(storage.reserve(new ReservationRequest(userId, bytes, id)))
                .map(r -> UUID.fromString(r.getEntity().id()));
    }

    /** Gives a reservation back; when storage cannot be told, the reservation expires on its own. */
    public Uni<Void> release(UUID reservation) {
        if (reservation == null) {
            return Uni.createFrom().voidItem();
        }
        return storage.release(reservation.toString()).onFailure().recoverWithUni(e -> {
            LOG.warnf("reservation %s not released (it expires by itself): %s", reservation, e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    private static <T> Uni<T> call(Uni<T> call) {
        // the guard logs what makes storage unavailable; what else fails is logged where it becomes a 503
        return DependencyFailures.guard(STORAGE, call)
                .onFailure(StorageReservations::overQuota).transform(e -> ProblemException.conflict(
                        UploadStager.QUOTA_EXCEEDED,
                        "the upload would exceed the storage quota; delete data or ask for a larger quota"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> {
                    LOG.warnf("storage-service call failed: %s", e.toString());
                    return ProblemException.unavailable(STORAGE, DependencyFailures.RETRY_AFTER);
                });
    }

    private static boolean overQuota(Throwable failure) {
        return failure instanceof RefusedByDependency refused && refused.isConflict();
    }
}
