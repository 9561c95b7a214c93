package io.hyperai.storage.service;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.problem.ProblemException;
import io.hyperai.storage.StorageQuota;
import io.hyperai.storage.StorageReservation;
import io.hyperai.storage.config.StorageConfig;
import io.hyperai.storage.repository.AccountRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

/**
 * Holds bytes for uploads in flight. A grant checks used + reserved + bytes against the quota with the
 * user's account row locked, so two uploads racing for the last bytes never both get them.
 */
@ApplicationScoped
public class ReservationService {

    public static final String QUOTA_EXCEEDED = "quota-exceeded";
    private static final Logger LOG = Logger.getLogger(ReservationService.class);

    private final AccountRepository accounts;
    private final StorageService storage;
    private final StorageConfig config;

    public ReservationService(AccountRepository accounts, StorageService storage, StorageConfig config) {
        this.accounts = accounts;
        this.storage = storage;
        this.config = config;
    }

    /**
     * A repeat of a request (same {@code id}, user and bytes) answers the reservation the first made: both run under
     * the user's lock, so whichever comes second finds the first's row.
     */
    @WithTransaction
    public Uni<StorageReservation> reserve(String userId, long bytes, UUID id) {
        return accounts.lock(userId).chain(account -> StorageReservation.<StorageReservation>findById(id)
                .chain(made -> made != null ? repeated(made, userId, bytes) : grant(account, userId, bytes, id)));
    }

    private static Uni<StorageReservation> repeated(StorageReservation made, String userId, long bytes) {
        if (made.userId.equals(userId) && made.bytes == bytes) {
            return Uni.createFrom().item(made);
        }
        return Uni.createFrom().failure(ProblemException.conflict("reservation-id-taken",
                "reservation " + made.id + " exists and holds other bytes; choose a new id"));
    }

    private Uni<StorageReservation> grant(StorageQuota account, String userId, long bytes, UUID id) {
        return accounts.totals(userId).chain(t -> {
            long quota = storage.quotaOf(account);
            long free = quota - t.usedBytes() - t.reservedBytes();
            if (bytes > free) {
                return Uni.createFrom().failure(ProblemException.conflict(QUOTA_EXCEEDED, "reserving " + bytes
                        + " bytes would exceed the storage quota of " + quota + " bytes (used " + t.usedBytes()
                        + ", reserved " + t.reservedBytes() + ")"));
            }
            StorageReservation r = new StorageReservation();
            r.id = id;
            r.userId = userId;
            r.bytes = bytes;
            r.expiresAt = Instant.now().plus(config.reservationTtl());
            return r.<StorageReservation>persist();
        });
    }

    /** Gives the bytes back; releasing what is already gone (settled, released, expired) is no error. */
    @WithTransaction
    public Uni<Void> release(UUID id) {
        return accounts.deleteReservation(id).replaceWithVoid();
    }

    /** Deletes expired reservations (they already count for nothing); returns how many. */
    @WithTransaction
    public Uni<Integer> purgeExpired() {
        return accounts.deleteExpiredReservations(Instant.now()).invoke(n -> {
            if (n > 0) {
                LOG.infof("purged %d expired storage reservations", n);
            }
        });
    }
}
