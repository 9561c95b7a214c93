package io.hyperai.execution.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.capacity.PoolHolds;
import io.hyperai.execution.capacity.Pools;
import io.hyperai.execution.runtime.Launch;
import io.hyperai.execution.runtime.LaunchConverter;
import io.hyperai.execution.runtime.CapacityRefused;
import io.hyperai.execution.runtime.PodObservation;
import io.hyperai.execution.capacity.Amount;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;

/**
 * Gives waiting executions to the runtime when their pool has room, in the queue's fair order. A pass plans the
 * queue and marks what it dispatches in one transaction that holds a database lock for the length of the pass, so
 * two passes (two instances of the service, or a poke during the periodic pass) never both give away the same
 * capacity; the hand-over to the runtime follows the commit, and the reconciler repeats it for an execution that was
 * dispatched but has no container (the service died in between). Passes run periodically, and at once after a start
 * or an end ({@link #poke}).
 */
@ApplicationScoped
public class Dispatcher {

    private static final Logger LOG = Logger.getLogger(Dispatcher.class);
    // one lock for every instance's pass (pg_advisory_xact_lock's key: "hyperai-dispatch")
    private static final long LOCK = 0x6879_7065_7261_6931L;
    private static final String MARK = "UPDATE execution SET dispatched_at = :now, updated_at = :now "
            + "WHERE id IN (:ids) AND state = 'QUEUED' AND dispatched_at IS NULL RETURNING id, launch";

    private static final LaunchConverter LAUNCHES = new LaunchConverter();

    private final QueuePlanner planner;
    private final RuntimeCalls calls;
    private final ExecutionStateService states;
    private final Timer passes;
    private final MultiGauge waiting;
    private final MultiGauge runningGauge;
    private final MultiGauge capacityGauge;
    private final MultiGauge inUseGauge;
    private final Vertx vertx;
    private final PoolHolds holds;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;

    public Dispatcher(QueuePlanner planner, RuntimeCalls calls, ExecutionStateService states, MeterRegistry registry,
            Vertx vertx, PoolHolds holds) {
        this.vertx = vertx;
        this.holds = holds;
        this.planner = planner;
        this.calls = calls;
        this.states = states;
        this.passes = Timer.builder("hyperai_dispatch_pass").description("Passes matching the queue to capacity")
                .register(registry);
        this.waiting = MultiGauge.builder("hyperai_queue_waiting").description("Executions waiting for their pool")
                .register(registry);
        this.runningGauge = MultiGauge.builder("hyperai_queue_running")
                .description("Executions given to the runtime, per pool").register(registry);
        this.capacityGauge = MultiGauge.builder("hyperai_pool_capacity")
                .description("What a pool can hold at once, per resource").register(registry);
        this.inUseGauge = MultiGauge.builder("hyperai_pool_in_use")
                .description("What the dispatched executions of a pool hold, per resource").register(registry);
    }

    @Scheduled(identity = "execution-dispatch", every = "${hyperai.execution.queue.dispatch-interval:2s}",
            delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> periodicPass() {
        return pass();
    }

    /** A pass soon, on a context of its own; passes asked for while one runs are folded into one more after it. */
    public void poke() {
        Detached.run(vertx, this::pass,
                e -> LOG.warnf("dispatching failed; the next pass retries: %s", e.getMessage()));
    }

    /**
     * No pass once the service stops: the database pool closes before the scheduler does, and the passes between
     * would only fail (another instance, or this one's next start, dispatches what waits).
     */
    void stopping(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent event) {
        stopped = true;
    }

    /** Dispatches what fits now; returns after the runtime has been given each. */
    public Uni<Void> pass() {
        if (stopped) {
            return Uni.createFrom().voidItem();
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return Uni.createFrom().voidItem();
        }
        long t0 = System.nanoTime();
        return Panache.withTransaction(() -> lock().chain(() -> planner.current()).chain(q -> dispatchWithin(q)))
                .chain(this::handAll)
                .onTermination().invoke(() -> {
                    passes.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
                    running.set(false);
                    if (again.getAndSet(false)) {
                        poke();
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("dispatching failed; the next pass retries: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Each pool's waiting and running executions, capacity and use, for the dashboards. */
    private void measure(QueuePlanner.Queue queue) {
        List<MultiGauge.Row<?>> waitingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> runningRows = new ArrayList<>();
        List<MultiGauge.Row<?>> capacityRows = new ArrayList<>();
        List<MultiGauge.Row<?>> useRows = new ArrayList<>();
        for (QueuePlanner.PoolState pool : queue.pools()) {
            waitingRows.add(MultiGauge.Row.of(Tags.of("pool", pool.pool()), pool.waiting()));
            runningRows.add(MultiGauge.Row.of(Tags.of("pool", pool.pool()), pool.running()));
            Amount capacity = pool.capacity();
            Amount used = pool.inUse();
            long[] caps = { capacity.gpus(), capacity.milliCpu(), capacity.memoryMib(), capacity.slots() };
            long[] uses = { used.gpus(), used.milliCpu(), used.memoryMib(), used.slots() };
            String[] names = { "gpus", "millicpu", "memory_mib", "slots" };
            for (int i = 0; i < names.length; i++) {
                if (caps[i] != Amount.UNBOUNDED && caps[i] > 0) {
                    Tags tags = Tags.of("pool", pool.pool(), "resource", names[i]);
                    capacityRows.add(MultiGauge.Row.of(tags, caps[i]));
                    useRows.add(MultiGauge.Row.of(tags, uses[i]));
                }
            }
        }
        waiting.register(waitingRows, true);
        runningGauge.register(runningRows, true);
        capacityGauge.register(capacityRows, true);
        inUseGauge.register(useRows, true);
    }

    private static Uni<Void> lock() {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT pg_advisory_xact_lock(:key)")
                .setParameter("key", LOCK).getSingleResult()).replaceWithVoid();
    }

    /**
     * Within the caller's transaction: takes the passes' lock if no pass holds it now. A start that gets it plans and
     * marks in its own transaction ({@link #mark(QueuePlanner.Queue)}) and hands what it marked over after its
     * commit ({@link #handLater}): no pass of its own, no second plan. One that does not {@link #poke}s, and the pass
     * that holds the lock runs once more after it.
     */
    public Uni<Boolean> tryLock() {
        return Panache.getSession().chain(s -> s.createNativeQuery("SELECT pg_try_advisory_xact_lock(:key)",
                Boolean.class).setParameter("key", LOCK).getSingleResult());
    }

    /** An execution marked dispatched, with what its runtime needs to start it. */
    public record Dispatched(UUID id, Launch launch) {
    }

    /** What the plan dispatches now, marked in the caller's transaction, which holds the lock ({@link #tryLock}). */
    public Uni<List<Dispatched>> dispatchWithin(QueuePlanner.Queue queue) {
        return dispatchWithin(queue, null);
    }

    /**
     * The same, where {@code fresh} is a new execution of the caller's transaction that the plan counted but that is
     * not inserted yet: when the plan dispatches it now, it is marked here in memory and its insert (the caller's,
     * after this) carries the mark; no update of its own row.
     */
    public Uni<List<Dispatched>> dispatchWithin(QueuePlanner.Queue queue, Execution fresh) {
        measure(queue);
        return mark(queue, fresh);
    }

    /** Hands what {@link #dispatchWithin} marked to the runtime, after the commit, apart from the caller. */
    public void handLater(List<Dispatched> dispatched) {
        if (!dispatched.isEmpty()) {
            Detached.run(vertx, () -> handAll(dispatched),
                    e -> LOG.warnf("handing over failed; the reconciler repeats it: %s", e.getMessage()));
        }
    }

    /**
     * Marks the plan's executions dispatched, in the plan's order; those stopped meanwhile are not. What is dispatched
     * is decided once (a pool's hold can end meanwhile), with one instant for every mark.
     */
    private Uni<List<Dispatched>> mark(QueuePlanner.Queue queue, Execution fresh) {
        List<UUID> ids = queue.plan().dispatchNow().stream().filter(w -> !holds.held(w.pool()))
                .map(w -> UUID.fromString(w.id())).toList();
        Instant at = Instant.now();
        Map<UUID, Launch> launches = new HashMap<>();
        if (fresh != null && ids.contains(fresh.id)) {
            fresh.dispatchedAt = at;
            fresh.updatedAt = at;
            launches.put(fresh.id, fresh.launch);
        }
        List<UUID> others = ids.stream().filter(id -> !launches.containsKey(id)).toList();
        Uni<List<Object[]>> marked = others.isEmpty() ? Uni.createFrom().item(List.of())
                : Panache.getSession().chain(s -> s.createNativeQuery(MARK, Object[].class)
                        .setParameter("now", at).setParameter("ids", others).getResultList());
        return marked.map(rows -> {
            rows.forEach(row -> launches.put((UUID) row[0], LAUNCHES.convertToEntityAttribute((String) row[1])));
            List<Dispatched> out = new ArrayList<>();
            for (UUID id : ids) {
                if (launches.containsKey(id)) {
                    out.add(new Dispatched(id, launches.get(id)));
                }
            }
            return out;
        });
    }

    private Uni<Void> handAll(List<Dispatched> dispatched) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Dispatched d : dispatched) {
            chain = chain.chain(() -> hand(d.id(), d.launch()));
        }
        return chain;
    }

    /**
     * Gives a dispatched execution to the runtime. A runtime without room takes it back to the queue; one that
     * refuses it for any other reason fails it.
     */
    public Uni<Void> hand(Execution e) {
        return hand(e.id, e.launch);
    }

    private Uni<Void> hand(UUID id, Launch launch) {
        String pool = Pools.of(launch.resources());
        return calls.start(launch).invoke(() -> holds.accepted(pool)).onFailure().recoverWithUni(failure -> {
            if (failure instanceof CapacityRefused) {
                LOG.infof("execution %s waits again; pool %s held back until %s: %s", id, pool,
                        holds.refused(pool), failure.getMessage());
                return requeue(id);
            }
            LOG.errorf(failure, "runtime refused execution %s", id);
            return states.observe(id, new PodObservation(ExecutionState.FAILED, Reasons.RUNTIME_ERROR, null,
                    "the runtime could not start the execution", null, Instant.now())).replaceWithVoid();
        });
    }

    /** Back to waiting, with a step in its history that says why; a later pass dispatches it again. */
    private Uni<Void> requeue(UUID id) {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                "UPDATE execution SET dispatched_at = NULL WHERE id = :id AND state = 'QUEUED'")
                .setParameter("id", id).executeUpdate())
                .chain(() -> states.observe(id, new PodObservation(ExecutionState.QUEUED,
                        Reasons.WAITING_FOR_CAPACITY, null,
                        "the cluster refused its pod for lack of quota; it waits for its turn again", null,
                        Instant.now()))))
                .replaceWithVoid();
    }
}
