package io.hyperai.execution.service;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.Leadership;
import io.hyperai.common.lease.NotLeader;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.PodObservation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.core.Vertx;
import io.smallrye.mutiny.Uni;

/**
 * Level-triggered: every pod change reconciles its execution, and a periodic pass checks every
 * active one against its container, so a missed watch event, a crash between commit and pod creation, or a pod
 * deleted behind our back is repaired within one resync interval.
 */
@ApplicationScoped
public class ExecutionReconciler {

    private static final Logger LOG = Logger.getLogger(ExecutionReconciler.class);

    private final ExecutionRuntime runtime;
    private final RuntimeCalls calls;
    private final ExecutionStateService states;
    private final Dispatcher dispatcher;
    private final ExecutionConfig config;
    private final WorkdirService workdirs;
    private final LogService logs;
    private final Timer passes;
    /** Executions a periodic pass left as listed, and those (and containers) it reconciled under their row's lock. */
    private final Counter unchanged;
    private final Counter reconciled;
    private final Leadership leadership;
    private final Vertx vertx;
    private final java.util.Map<ExecutionState, java.util.concurrent.atomic.AtomicLong> active =
            new java.util.EnumMap<>(ExecutionState.class);

    public ExecutionReconciler(ExecutionRuntime runtime, RuntimeCalls calls, ExecutionStateService states, Dispatcher dispatcher,
            ExecutionConfig config, WorkdirService workdirs, LogService logs, MeterRegistry registry,
            Leadership leadership, Vertx vertx) {
        this.leadership = leadership;
        this.vertx = vertx;
        this.logs = logs;
        this.workdirs = workdirs;
        this.runtime = runtime;
        this.calls = calls;
        this.states = states;
        this.dispatcher = dispatcher;
        this.config = config;
        this.passes = Timer.builder("hyperai_execution_reconcile_pass").description("Full reconciliation passes")
                .register(registry);
        this.unchanged = registry.counter("hyperai_execution_reconcile_pass_executions", "outcome", "unchanged");
        this.reconciled = registry.counter("hyperai_execution_reconcile_pass_executions", "outcome", "reconciled");
        for (ExecutionState state : ExecutionState.ACTIVE) {
            active.put(state, registry.gauge("hyperai_executions_active",
                    io.micrometer.core.instrument.Tags.of("state", state.name()),
                    new java.util.concurrent.atomic.AtomicLong()));
        }
    }

    void start(@Observes StartupEvent event) {
        // informer callbacks arrive on fabric8's threads; Hibernate Reactive needs a safe duplicated context.
        // Only the leader acts on what it sees: the others keep their caches warm to take over.
        runtime.onChange(id -> {
            if (leadership.leads()) {
                VertxContextSupport.subscribe(() -> reconcile(id).toMulti(), s -> s.with(ok -> {
                }, e -> LOG.warnf(e, "reconciling %s failed; the next pass retries", id)));
            }
        });
        // a new leader reconciles everything at once: its predecessor may have died in the middle of a change
        leadership.whenLeading(() -> Detached.run(vertx, this::periodicPass,
                e -> LOG.warnf(e, "reconciliation failed; the next pass retries")));
    }

    /**
     * The periodic pass. The first comes soon after start, so executions whose containers died with a previous
     * instance end now, not one resync interval later (their end time is when we find out).
     */
    @Scheduled(identity = "execution-reconcile", every = "${hyperai.execution.resync-interval:30s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> periodicPass() {
        return reconcileAll().ifNoItem().after(config.reconcilePassTimeout())
                .failWith(() -> new java.util.concurrent.TimeoutException("the pass ran longer than "
                        + config.reconcilePassTimeout() + " and was given up"))
                .onFailure().invoke(e -> LOG.warnf(e, "reconciliation failed; the next pass retries"))
                .onFailure().recoverWithNull();
    }

    /** Every active execution and every container there is (a stopped execution's container goes). */
    public Uni<Void> reconcileAll() {
        if (!runtime.synced()) {
            LOG.debug("the runtime's view of containers is not complete yet; reconciliation waits for it");
            return Uni.createFrom().voidItem();
        }
        long start = System.nanoTime();
        return Panache.withSession(() -> Execution.<Execution>list("state in ?1", List.copyOf(ExecutionState.ACTIVE)))
                .invoke(list -> active.forEach((state, gauge) -> gauge.set(
                        list.stream().filter(e -> e.state == state).count())))
                .chain(list -> {
                    // each under its row's lock only where the list's row and its container disagree: a pass over
                    // thousands of steady executions is then one query, not a transaction each
                    java.util.Set<String> containers = new java.util.HashSet<>(runtime.withContainers());
                    java.util.Set<String> ids = new java.util.LinkedHashSet<>();
                    for (Execution e : list) {
                        String id = e.id.toString();
                        containers.remove(id);
                        if (!settled(e)) {
                            ids.add(id);
                        }
                    }
                    unchanged.increment(list.size() - ids.size());
                    ids.addAll(containers); // containers of no active execution
                    reconciled.increment(ids.size());
                    return reconcileEach(ids);
                })
                .chain(() -> workdirs.measureEnded().onFailure().recoverWithItem(0).replaceWithVoid())
                .invoke(() -> passes.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
    }

    /**
     * Whether the pass may leave {@code e} as it listed it: what its container says changes nothing (the rule the
     * locked reconciliation applies), or it has none and waits for its pool. A row changed since the list was read is
     * the change's own to finish, or the next pass's.
     */
    private boolean settled(Execution e) {
        return runtime.observe(e.id.toString())
                .map(observation -> !ExecutionStateService.changes(e.state, e.reason, observation))
                .orElse(QueueService.waiting(e));
    }

    /** Reconciles these executions one after another, each failure logged and left to the next pass. */
    public Uni<Void> reconcileEach(java.util.Collection<?> ids) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Object id : ids) {
            chain = chain.chain(() -> reconcile(id.toString()).onFailure()
                    .invoke(e -> LOG.warnf("reconciling %s failed; the next pass retries: %s", id, e.getMessage()))
                    .onFailure().recoverWithNull());
        }
        return chain;
    }

    public Uni<Void> reconcile(String executionId) {
        return reconcile(executionId, false);
    }

    /**
     * {@link #reconcile(String)} of an execution another instance dispatched or stopped and forwarded here (the local
     * runtime's leader runs them all): a dispatched one without a process is started now, not after
     * {@code pod-creation-grace}. No other instance starts one, and one that ran before is not started again.
     */
    public Uni<Void> reconcileAtOnce(String executionId) {
        return reconcile(executionId, true);
    }

    private Uni<Void> reconcile(String executionId, boolean atOnce) {
        UUID id;
        try {
            id = UUID.fromString(executionId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem();
        }
        if (!runtime.synced()) {
            // the first pass after the cache fills covers this one; concluding now would fail live executions
            return Uni.createFrom().voidItem();
        }
        return runtime.observe(executionId)
                .map(observation -> states.observe(id, observation)
                        .invoke(e -> {
                            if (e != null && e.state.isTerminal()) {
                                dispatcher.poke(); // what it held is free for the queue now
                            }
                        })
                        .chain(e -> removeIfStopped(id, e)))
                .orElseGet(() -> withoutContainer(id, atOnce));
    }

    /**
     * An ended execution's container goes once its output is kept; so does a labelled container no
     * execution owns.
     */
    private Uni<Void> removeIfStopped(UUID id, Execution e) {
        if (runtime.observe(id.toString()).isEmpty() || (e != null && !e.state.isTerminal())) {
            return Uni.createFrom().voidItem();
        }
        if (e == null) {
            return calls.remove(id.toString());
        }
        // its home is kept if it ran, even when the container there now is a late hand-over's that never started
        return logs.keep(id).chain(() -> calls.remove(id.toString(), e.startedAt != null));
    }

    private Uni<Void> withoutContainer(UUID id, boolean atOnce) {
        return Panache.withSession(() -> Execution.<Execution>findById(id)).chain(e -> {
            if (e == null || e.state.isTerminal()) {
                return Uni.createFrom().voidItem();
            }
            if (QueueService.waiting(e)) {
                return Uni.createFrom().voidItem(); // waiting for its pool: the dispatcher's
            }
            if (e.state == ExecutionState.QUEUED || e.state == ExecutionState.STARTING) {
                Instant handed = e.dispatchedAt != null ? e.dispatchedAt : e.createdAt;
                // the container is looked for again after the row was read: one made (and perhaps already ended)
                // since the first look would otherwise be joined by a stray second one
                if ((atOnce || handed.plus(config.podCreationGrace()).isBefore(Instant.now()))
                        && runtime.observe(id.toString()).isEmpty()) {
                    LOG.infof("execution %s has no container; handing it to the runtime again", id);
                    return dispatcher.hand(e);
                }
                return Uni.createFrom().voidItem();
            }
            return states.observe(id, new PodObservation(ExecutionState.FAILED, Reasons.NODE_LOST, null,
                    "the execution's container disappeared", null, Instant.now())).replaceWithVoid();
        });
    }
}
