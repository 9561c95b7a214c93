package io.hyperai.execution.service;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import org.jboss.logging.Logger;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.gear.GearApi.GearRuntime;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.ExecutionTransition;
import io.hyperai.execution.capacity.Amount;
import io.hyperai.execution.capacity.CapacitySource;
import io.hyperai.execution.capacity.Pools;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.mapping.ContinueRequest;
import io.hyperai.execution.mapping.IdlePolicy;
import io.hyperai.execution.mapping.StartRequest;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.Launch;
import io.hyperai.execution.runtime.PodFactory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/**
 * Starting, stopping and reading executions. A start is admitted ({@link StartAdmission}: the gear is the caller's,
 * storage is not blocked, billing lets them run; and its pool could ever hold it), committed with its event and its place in
 * the queue, and then dispatched when its pool has room ({@link Dispatcher}).
 */
@ApplicationScoped
public class ExecutionService {

    private static final Logger LOG = Logger.getLogger(ExecutionService.class);

    private final StartAdmission admission;
    private final ExecutionStateService states;
    private final ExecutionRuntime runtime;
    private final RuntimeCalls calls;
    private final CodeService code;
    private final ExecutionConfig config;
    private final QueuePlanner planner;
    private final Dispatcher dispatcher;
    private final CapacitySource capacity;

    public ExecutionService(StartAdmission admission, ExecutionStateService states, ExecutionRuntime runtime,
            RuntimeCalls calls, CodeService code, ExecutionConfig config, QueuePlanner planner, Dispatcher dispatcher,
            CapacitySource capacity) {
        this.planner = planner;
        this.dispatcher = dispatcher;
        this.capacity = capacity;
        this.code = code;
        this.config = config;
        this.admission = admission;
        this.states = states;
        this.runtime = runtime;
        this.calls = calls;
    }

    public Uni<Execution> start(String ownerId, String gearId, StartRequest request) {
        return start(ownerId, gearId, request.mode().name().toUpperCase(), request.entryCommand(), request.codeId(),
                null, request.maxRuntimeSeconds(), request.idlePolicy(), request.maxCostMinor());
    }

    /** A new execution of the same gear whose home starts as {@code previousId}'s saved working directory. */
    public Uni<Execution> continueFrom(String ownerId, String previousId, ContinueRequest overrides) {
        return find(ownerId, previousId).chain(previous -> {
            if (!previous.state.isTerminal()) {
                return Uni.createFrom().failure(ProblemException.conflict("execution-running",
                        "execution " + previousId + " has not ended; stop it before continuing it"));
            }
            String mode = overrides == null || overrides.mode() == null ? previous.mode.name()
                    : overrides.mode().name().toUpperCase();
            String command = overrides == null || overrides.entryCommand() == null ? previous.entryCommand
                    : overrides.entryCommand();
            // the continued workspace's policy unless this one names its own (which a script refuses, as a start does)
            IdlePolicy idle = overrides != null && overrides.idlePolicy() != null ? overrides.idlePolicy()
                    : "JUPYTER".equals(mode) ? IdlePolicy.of(previous.idleWarnAfterSeconds, previous.idleStopAfterSeconds)
                    : null;
            return start(ownerId, previous.gearId, mode, command, null, previous.id,
                    overrides == null ? null : overrides.maxRuntimeSeconds(), idle,
                    overrides == null ? null : overrides.maxCostMinor());
        });
    }

    private Uni<Execution> start(String ownerId, String gearId, String mode, String entryCommand, String codeId,
            UUID continuedFrom, Integer maxRuntimeSeconds, IdlePolicy idle, Long maxCostMinor) {
        if ("SCRIPT".equals(mode) && (entryCommand == null || entryCommand.isBlank())) {
            return Uni.createFrom().failure(ProblemException.invalid("entryCommand", "is required for a script"));
        }
        Optional<ProblemException> badIdle = IdlePolicies.problem(idle, mode, config.idleMinimum());
        if (badIdle.isPresent()) {
            return Uni.createFrom().failure(badIdle.get());
        }
        Optional<String> unavailable = runtime.unavailable();
        if (unavailable.isPresent()) {
            // refused before anything is recorded or charged: an execution that could never run is not QUEUED
            return Uni.createFrom().failure(new ProblemException(503, "runtime-unavailable", "Service Unavailable",
                    unavailable.get(), null, null));
        }
        Uni<String> codePath = codeId == null ? Uni.createFrom().nullItem()
                : code.find(ownerId, codeId).map(c -> c.id.toString())
                        .onFailure(ProblemException.class)
                        .transform(e -> ProblemException.invalid("codeId", "does not exist"));
        return codePath.chain(path -> admission.admit(ownerId, gearId).map(gear -> new Object[] { gear, path }))
                .chain(admitted -> {
            GearRuntime gear = (GearRuntime) admitted[0];
            String codeDir = (String) admitted[1];
            UUID id = UUID.randomUUID();
            String token = "JUPYTER".equals(mode) ? WorkspaceTokens.next() : null;
            Launch launch = LaunchPlanner.plan(id.toString(), gear, ownerId, mode, entryCommand, codeDir,
                    continuedFrom == null ? null : continuedFrom.toString(), token);
            Execution e = new Execution();
            e.id = id;
            e.ownerId = ownerId;
            e.gearId = gearId;
            e.mode = Execution.Mode.valueOf(mode);
            e.state = ExecutionState.QUEUED;
            e.entryCommand = "SCRIPT".equals(mode) ? entryCommand : null;
            e.codeId = codeId;
            e.continuedFrom = continuedFrom;
            e.maxRuntimeSeconds = maxRuntimeSeconds;
            e.maxCostMinor = maxCostMinor;
            // the start's own policy, else (for a workspace) its gear's
            IdlePolicy effective = idle != null || !"JUPYTER".equals(mode) ? idle
                    : IdlePolicies.fromGear(gear.idlePolicy(), config.idleMinimum());
            e.idleWarnAfterSeconds = effective == null ? null : effective.warnAfterSeconds();
            e.idleStopAfterSeconds = effective == null ? null : effective.stopAfterSeconds();
            e.computeSpecId = gear.computeSpec().id();
            e.pricePerHourMinor = gear.computeSpec().pricePerHourMinor();
            e.currency = gear.computeSpec().currency();
            e.launch = launch;
            e.podName = PodFactory.podName(id.toString());
            e.jupyterToken = token;
            e.createdAt = Instant.now();
            e.updatedAt = e.createdAt;
            // dispatched in the same transaction when no pass is under way (the start's own pass, without a second):
            // planned with itself before its insert, which then carries its dispatch (no update of its own row)
            return neverFits(e.computeSpecId, launch.resources()).chain(() -> Panache.withTransaction(
                    () -> dispatcher.tryLock().chain(locked -> planner.current(QueuePlanner.Run.of(e))
                            .chain(queue -> (locked ? dispatcher.dispatchWithin(queue, e)
                                    : Uni.createFrom().<List<Dispatcher.Dispatched>>nullItem())
                                    .call(() -> e.<Execution>persist())
                                    .call(() -> states.queued(e, queue.plan().places().get(id.toString())))))))
                    .invoke(dispatched -> {
                        if (dispatched == null) {
                            dispatcher.poke();
                        } else {
                            dispatcher.handLater(dispatched);
                        }
                    }).replaceWith(e);
        });
    }

    /**
     * Refuses, before anything is recorded or charged, a spec that could not run here even on an empty pool: a GPU
     * model this platform does not have, or more than its pool's capacity.
     */
    private Uni<Void> neverFits(String specId, Launch.Resources r) {
        String pool = Pools.of(r);
        return RuntimeCalls.capacities(capacity).invoke(caps -> {
            if (caps.couldEverFit(pool, Amount.of(r))) {
                return;
            }
            String why = r.gpuCount() > 0 && caps.pool(pool).gpus() == 0
                    ? "this platform has no " + r.gpuModel() + " GPUs"
                    : "it needs more than its pool " + pool + " has (" + r.vcpu() + " vCPU, " + r.memoryMib()
                            + " MiB" + (r.gpuCount() > 0 ? ", " + r.gpuCount() + " GPUs" : "") + ")";
            throw ProblemException.conflict("pool-unavailable", "no execution of spec " + specId
                    + " can run here: " + why + "; choose another spec for the gear");
        }).replaceWithVoid();
    }

    /** Ends an execution on its owner's request; its container is removed after commit. */
    public Uni<Execution> stop(String ownerId, String id, String reason) {
        UUID uuid = parse(id);
        return Panache.withTransaction(() -> Execution.<Execution>findById(uuid, LockModeType.PESSIMISTIC_WRITE)
                .chain(e -> {
                    if (e == null || !ownerId.equals(e.ownerId)) {
                        return Uni.createFrom().failure(ProblemException.notFound("execution", id));
                    }
                    if (e.state.isTerminal()) {
                        return Uni.createFrom().failure(ProblemException.conflict("execution-ended",
                                "execution " + id + " has already ended (" + e.state + ")"));
                    }
                    return stopLocked(e, reason);
                }))
                .invoke(dispatcher::poke)
                .call(e -> e.state == ExecutionState.STOPPED ? calls.remove(e.id.toString(), e.startedAt != null)
                        .onFailure().invoke(f -> LOG.warnf("removing %s failed, resync retries: %s", e.id, f.getMessage()))
                        .onFailure().recoverWithNull() : Uni.createFrom().voidItem());
    }

    /**
     * Stops an execution inside the caller's transaction (an event consumer's); the reconciler
     * removes its container, as it does for any container of a stopped execution.
     */
    public Uni<Void> stopInTransaction(UUID id, String reason) {
        return Execution.<Execution>findById(id, LockModeType.PESSIMISTIC_WRITE)
                .chain(e -> e == null ? Uni.createFrom().voidItem() : stopLocked(e, reason).replaceWithVoid());
    }

    /**
     * Stops, in the caller's transaction, the active executions of {@code ownerId} (all of them, or those of
     * {@code executionIds} only); returns the ids stopped.
     */
    public Uni<List<UUID>> stopActiveInTransaction(String ownerId, java.util.Collection<String> executionIds,
            String reason) {
        List<UUID> only = executionIds == null ? null
                : executionIds.stream().map(ExecutionService::uuidOrNull).filter(java.util.Objects::nonNull).toList();
        if (only != null && only.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Uni<List<Execution>> active = only == null
                ? Execution.list("ownerId = ?1 and state in ?2", ownerId, List.copyOf(ExecutionState.ACTIVE))
                : Execution.list("ownerId = ?1 and state in ?2 and id in ?3", ownerId,
                        List.copyOf(ExecutionState.ACTIVE), only);
        return active.chain(found -> {
            List<UUID> ids = found.stream().map(e -> e.id).toList();
            return stopAllInTransaction(ids, reason).replaceWith(ids);
        });
    }

    static UUID uuidOrNull(String id) {
        try {
            return id == null ? null : UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@link #stopInTransaction} for each, one after another. */
    public Uni<Void> stopAllInTransaction(java.util.Collection<UUID> ids, String reason) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (UUID id : ids) {
            chain = chain.chain(() -> stopInTransaction(id, reason));
        }
        return chain;
    }

    private Uni<Execution> stopLocked(Execution e, String reason) {
        if (e.state.isTerminal()) {
            return Uni.createFrom().item(e);
        }
        e.stopRequested = true;
        return states.end(e, ExecutionState.STOPPED, Instant.now(), reason, null, null).replaceWith(e);
    }

    @WithSession
    public Uni<Execution> find(String ownerId, String id) {
        UUID uuid = parse(id);
        return Execution.<Execution>findById(uuid).onItem().ifNull().failWith(() -> ProblemException.notFound("execution", id))
                .invoke(e -> {
                    if (!e.ownerId.equals(ownerId)) {
                        throw ProblemException.notFound("execution", id);
                    }
                });
    }

    @WithSession
    public Uni<List<ExecutionTransition>> history(UUID id) {
        return ExecutionTransition.list("executionId", Sort.by("id"), id);
    }

    @WithSession
    public Uni<Page<Execution>> list(String ownerId, String gearId, ExecutionState state, PageRequest request) {
        StringBuilder query = new StringBuilder("ownerId = :owner");
        Parameters params = Parameters.with("owner", ownerId);
        if (gearId != null) {
            query.append(" and gearId = :gear");
            params.and("gear", gearId);
        }
        if (state != null) {
            query.append(" and state = :state");
            params.and("state", state);
        }
        PanacheQuery<Execution> q = Execution.find(query.toString(), Sort.descending("createdAt"), params);
        return q.page(request.page(), request.size()).list()
                .chain(items -> q.count().map(total -> new Page<>(items, request.page(), request.size(), total)));
    }

    /** Ids are UUIDs; anything else names no execution. */
    public static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.notFound("execution", id);
        }
    }
}
