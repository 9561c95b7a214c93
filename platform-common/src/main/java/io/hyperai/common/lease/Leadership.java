package io.hyperai.common.lease;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Which instance of this service runs its singleton work (the accrual, the reconciliation passes, the sweeps): the
 * holder of a lease row in the service's own database, renewed every {@code hyperai.lease.renew-interval} and taken
 * over by another instance once it has not been renewed for {@code hyperai.lease.duration}. The expiry is judged by
 * the database's clock, and the holder stops leading by its own monotonic clock before the database could give the
 * lease away (its validity counts from before the renewal was sent), so two instances never both lead. A stopping
 * instance gives the lease up at once, so a rolling update hands the work over without waiting for the expiry.
 * Singleton jobs skip their runs elsewhere with {@code skipExecutionIf = NotLeader.class}.
 */
@ApplicationScoped
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);
    private static final String CLAIM = """
            INSERT INTO leader_lease (name, holder, expires_at, fence)
            VALUES ($1, $2, now() + $3 * interval '1 millisecond', 1)
            ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
                fence = leader_lease.fence + CASE WHEN leader_lease.holder = EXCLUDED.holder THEN 0 ELSE 1 END
            WHERE leader_lease.holder = EXCLUDED.holder OR leader_lease.expires_at < now()
            RETURNING fence""";
    private static final String RELEASE = "UPDATE leader_lease SET expires_at = now() WHERE name = $1 AND holder = $2";

    private final Pool pool;
    private final LeaseConfig config;
    private final String name;
    private final String holder;
    /** System.nanoTime() until which this instance leads; "now" (not leading) until a renewal succeeds. */
    private final AtomicLong validUntil = new AtomicLong(System.nanoTime());
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong fence = new AtomicLong();
    private final List<Runnable> onLead = new CopyOnWriteArrayList<>();
    private final List<Runnable> onAnother = new CopyOnWriteArrayList<>();
    /** Whether the last answer said another instance holds the lease. */
    private final AtomicBoolean anotherHolds = new AtomicBoolean();

    public Leadership(Pool pool, LeaseConfig config, MeterRegistry registry,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.pool = pool;
        this.config = config;
        this.name = service;
        this.holder = config.holder().orElseGet(
                () -> ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8));
        Gauge.builder("hyperai_leader", this, l -> l.leads() ? 1 : 0)
                .description("1 on the instance that runs the service's singleton work").register(registry);
    }

    /** Whether this instance holds the lease now. */
    public boolean leads() {
        return System.nanoTime() - validUntil.get() < 0;
    }

    /** How many times the lease has changed hands (this instance's view as of its last renewal). */
    public long fence() {
        return fence.get();
    }

    /**
     * Runs {@code action} each time this instance starts to lead (on the event loop: it must not block), so work a
     * dead leader left is taken up at once rather than at the next period.
     */
    public void whenLeading(Runnable action) {
        onLead.add(action);
    }

    /**
     * Runs {@code action} each time a renewal finds the lease held by another instance after it was not (on the event
     * loop: it must not block): work this instance could only do as the leader must stop, since the other does it
     * now. Not on a mere failure to renew (a database outage), after which this instance may well lead again.
     */
    public void whenAnotherLeads(Runnable action) {
        onAnother.add(action);
    }

    void claimAtStart(@Observes StartupEvent start) {
        renew().subscribe().with(ok -> {
        }); // renew() recovers from its failures itself
    }

    @Scheduled(identity = "leader-lease", every = "${hyperai.lease.renew-interval:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> renew() {
        if (stopped.get()) {
            return Uni.createFrom().voidItem();
        }
        long sentAt = System.nanoTime();
        long duration = config.duration().toNanos();
        return pool.preparedQuery(CLAIM).execute(Tuple.of(name, holder, config.duration().toMillis()))
                .invoke(rows -> {
                    boolean held = rows.size() == 1 && !stopped.get(); // an answer after release counts for nothing
                    boolean before = leads();
                    if (held) {
                        fence.set(rows.iterator().next().getLong("fence"));
                        validUntil.set(sentAt + duration - duration / 10); // a tenth spare for clock rate drift
                    } else {
                        validUntil.set(System.nanoTime()); // another holds it: stop leading now, not at our expiry
                    }
                    boolean another = rows.size() == 0;
                    if (anotherHolds.getAndSet(another) != another && another) {
                        onAnother.forEach(Runnable::run);
                    }
                    if (held != before) {
                        LOG.infof(held ? "%s leads %s now (fence %d)" : "%s no longer leads %s (fence %d)", holder,
                                name, fence.get());
                        if (held) {
                            onLead.forEach(Runnable::run);
                        }
                    }
                })
                .invoke(() -> failing.set(false))
                .onFailure().invoke(e -> {
                    // said once per outage: a database away for minutes would otherwise log every renewal
                    if (!failing.getAndSet(true)) {
                        LOG.warnf("renewing the %s lease failed (%s); %s", name, e.getMessage(), leads()
                                ? "this instance stops leading unless a renewal succeeds in time" : "retrying");
                    }
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Given up on a clean stop, so another instance takes the work over at once. */
    void release(@Observes ShutdownEvent stop) {
        stopped.set(true);
        boolean led = leads();
        validUntil.set(System.nanoTime());
        if (!led) {
            return;
        }
        try {
            pool.preparedQuery(RELEASE).execute(Tuple.of(name, holder)).await()
                    .atMost(java.time.Duration.ofSeconds(2));
            LOG.infof("%s gave up the %s lease", holder, name);
        } catch (RuntimeException e) {
            LOG.warnf("giving up the %s lease failed; it lapses: %s", name, e.getMessage());
        }
    }
}
