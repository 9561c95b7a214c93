package io.hyperai.common.inbox;

import java.time.OffsetDateTime;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Forgets the ids of events applied longer ago than any redelivery can come: a topic keeps its events 7 days and a
 * dead-letter topic 30 (deploy/base/infra/kafka.yaml), so after {@code hyperai.inbox.retention} (35 days) no copy of
 * such an event is left to arrive twice. Without it every consumer kept one row per event of its topics for good, the
 * ones it ignores included (about 16 per execution across the services). Leader only, hourly.
 */
@ApplicationScoped
public class InboxPurge {

    private static final Logger LOG = Logger.getLogger(InboxPurge.class);
    static final String PURGE = "DELETE FROM inbox_event WHERE processed_at < $1";

    private final Pool pool;
    private final InboxConfig config;

    public InboxPurge(Pool pool, InboxConfig config) {
        this.pool = pool;
        this.config = config;
    }

    @Scheduled(identity = "inbox-purge", every = "1h", delayed = "2m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> scheduled() {
        return purge().onFailure().invoke(e -> LOG.warnf("purging the inbox failed; the next run tries again: %s",
                e.getMessage())).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Deletes the ids applied before the retention; how many went. */
    public Uni<Integer> purge() {
        return pool.preparedQuery(PURGE).execute(Tuple.of(OffsetDateTime.now().minus(config.retention())))
                .map(rows -> rows.rowCount());
    }
}
