package io.hyperai.storage.events;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.storage.service.ReservationService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Deletes reservations whose uploads never finished; they already stopped counting when they expired. */
@ApplicationScoped
public class ReservationExpiry {

    private static final Logger LOG = Logger.getLogger(ReservationExpiry.class);

    private final ReservationService reservations;

    public ReservationExpiry(ReservationService reservations) {
        this.reservations = reservations;
    }

    @Scheduled(identity = "storage-reservation-purge", every = "${hyperai.storage.reservation-purge-interval:1m}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> purge() {
        return reservations.purgeExpired().replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("purging expired reservations failed, next run retries: %s", e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
