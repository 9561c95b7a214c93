package io.hyperai.common.outbox;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Publishes committed outbox rows to Kafka and marks them sent only after the broker acknowledged
 * them. Several instances of a service may relay at once: each run claims rows with
 * {@code FOR UPDATE SKIP LOCKED} and takes a transaction-scoped advisory lock per aggregate, so
 * one aggregate's events are only ever in flight from one relay, in commit order.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    // The advisory lock sits in the filter so that rows of an aggregate another relay is
    // publishing are skipped as a whole, not only the rows that relay has locked so far.
    static final String CLAIM = """
            SELECT seq, id::text AS id, topic, aggregate_id, type, payload, traceparent
              FROM outbox_event
             WHERE sent_at IS NULL
               AND pg_try_advisory_xact_lock(hashtextextended(aggregate_id, 7460))
             ORDER BY seq
             LIMIT $1
               FOR UPDATE SKIP LOCKED""";
    static final String MARK_SENT = "UPDATE outbox_event SET sent_at = now(), attempts = attempts + 1 WHERE seq = ANY($1)";
    static final String MARK_FAILED = "UPDATE outbox_event SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1)";
    static final String BACKLOG = "SELECT count(*) AS n, min(created_at) AS oldest FROM outbox_event WHERE sent_at IS NULL";
    static final String PURGE = "DELETE FROM outbox_event WHERE sent_at IS NOT NULL AND sent_at < $1";

    private final Pool pool;
    private final OutboxPublisher publisher;
    private final OutboxConfig config;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicInteger failedRuns = new AtomicInteger();
    private volatile io.vertx.mutiny.core.Vertx vertx;
    private volatile long timer;
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestUnsentEpochSecond = new AtomicLong();
    private final Counter published;
    private final Counter failed;

    public OutboxRelay(Pool pool, OutboxPublisher publisher, OutboxConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.publisher = publisher;
        this.config = config;
        this.published = Counter.builder("hyperai_outbox_published").description("Outbox events acknowledged by Kafka")
                .register(registry);
        this.failed = Counter.builder("hyperai_outbox_publish_failures")
                .description("Outbox events the broker did not acknowledge in time (sent again later)")
                .register(registry);
        registry.gauge("hyperai_outbox_backlog", backlog);
        registry.gauge("hyperai_outbox_oldest_unsent_age_seconds", oldestUnsentEpochSecond,
                v -> v.get() == 0 ? 0 : Math.max(0, System.currentTimeMillis() / 1000 - v.get()));
    }

    /**
     * Polls on a Vert.x timer: the scheduler's intervals cannot go below a second, and an event's
     * latency is at most one poll interval.
     */
    void startPolling(@Observes StartupEvent event, io.vertx.mutiny.core.Vertx vertx) {
        if (!config.relayEnabled()) {
            LOG.info("outbox relay disabled: events stay in outbox_event until another relay publishes them");
            return;
        }
        long interval = Math.max(10, DurationConverter.parseDuration(config.pollInterval()).toMillis());
        this.vertx = vertx;
        timer = vertx.setPeriodic(1000, interval, id -> poll());
    }

    /** Stops polling before the connection pool closes under it. */
    void stopPolling(@Observes ShutdownEvent event) {
        paused.set(true);
        if (vertx != null) {
            vertx.cancelTimer(timer);
        }
    }

    private void poll() {
        if (paused.get() || !running.compareAndSet(false, true)) {
            return;
        }
        drain().onTermination().invoke(() -> running.set(false))
                .subscribe().with(n -> recovered(), this::failed);
    }

    /**
     * The first failed run is a warning; the next ones (five a second while the database or broker is away) only
     * debug lines, until a run succeeds again, which says how many failed.
     */
    private void failed(Throwable e) {
        if (failedRuns.getAndIncrement() == 0) {
            LOG.warnf("outbox relay run failed, rows stay unsent (retried every %s): %s", config.pollInterval(),
                    e.getMessage());
        } else {
            LOG.debugf("outbox relay run failed again: %s", e.getMessage());
        }
    }

    private void recovered() {
        int failed = failedRuns.getAndSet(0);
        if (failed > 0) {
            LOG.infof("outbox relay runs again after %d failed runs", failed);
        }
    }

    /** Relays batches until one comes back short. Returns how many events were acknowledged. */
    public Uni<Integer> drain() {
        return runOnce().chain(n -> n.claimed() == config.batchSize() && n.acknowledged() > 0
                ? drain().map(more -> n.acknowledged() + more)
                : Uni.createFrom().item(n.acknowledged()));
    }

    record Run(int claimed, int acknowledged) {
    }

    /** One batch in one transaction: claim, publish, mark. */
    public Uni<Run> runOnce() {
        return pool.withTransaction(connection -> connection.preparedQuery(CLAIM)
                .execute(Tuple.of(config.batchSize()))
                .map(OutboxRelay::rows)
                .chain(rows -> rows.isEmpty()
                        ? Uni.createFrom().item(new Run(0, 0))
                        : VertxContextSupport.executeBlocking(() -> publisher.publish(rows))
                                .chain(acked -> mark(connection, rows, acked))));
    }

    private Uni<Run> mark(SqlConnection connection, List<OutboxRow> rows, List<Long> acked) {
        List<Long> missed = new ArrayList<>();
        for (OutboxRow row : rows) {
            if (!acked.contains(row.seq())) {
                missed.add(row.seq());
            }
        }
        published.increment(acked.size());
        failed.increment(missed.size());
        Uni<Void> sent = acked.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(MARK_SENT).execute(Tuple.of(acked.toArray(Long[]::new))).replaceWithVoid();
        Uni<Void> unsent = missed.isEmpty() ? Uni.createFrom().voidItem()
                : connection.preparedQuery(MARK_FAILED)
                        .execute(Tuple.of(missed.toArray(Long[]::new), "not acknowledged by the broker in time"))
                        .replaceWithVoid();
        return sent.chain(() -> unsent).replaceWith(new Run(rows.size(), acked.size()));
    }

    private static List<OutboxRow> rows(RowSet<Row> set) {
        List<OutboxRow> rows = new ArrayList<>(set.size());
        for (Row r : set) {
            rows.add(new OutboxRow(r.getLong("seq"), r.getString("id"), r.getString("topic"),
                    r.getString("aggregate_id"), r.getString("type"), r.getString("payload"),
                    r.getString("traceparent")));
        }
        return rows;
    }

    @Scheduled(identity = "outbox-backlog", every = "${hyperai.outbox.backlog-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> measureBacklog() {
        return pool.query(BACKLOG).execute().invoke(set -> {
            Row row = set.iterator().next();
            backlog.set(row.getLong("n"));
            OffsetDateTime oldest = row.getOffsetDateTime("oldest");
            oldestUnsentEpochSecond.set(oldest == null ? 0 : oldest.toEpochSecond());
        }).onFailure().recoverWithNull().replaceWithVoid();
    }

    @Scheduled(identity = "outbox-purge", every = "1h", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> purgeSent() {
        return pool.preparedQuery(PURGE).execute(Tuple.of(OffsetDateTime.now().minus(config.retention())))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Holds events back (they stay committed in the table) until {@link #resume()}. */
    public void pause() {
        paused.set(true);
    }

    public void resume() {
        paused.set(false);
    }
}
