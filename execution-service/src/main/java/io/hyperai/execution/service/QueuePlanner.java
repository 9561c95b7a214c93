package io.hyperai.execution.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.capacity.Amount;
import io.hyperai.execution.capacity.Capacities;
import io.hyperai.execution.capacity.CapacitySource;
import io.hyperai.execution.capacity.FairQueue;
import io.hyperai.execution.capacity.Pools;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.Launch;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The queue as it stands: every active execution, the capacity of each pool, and the fair plan ({@link FairQueue})
 * of what to dispatch now and when each waiting execution is expected to start. Each execution's expected running
 * time is its {@code maxRuntime} when it has one, else the median of its owner's recent runs of the same gear and
 * mode, else of the owner's runs of that mode, else the configured default for scripts or workspaces.
 */
@ApplicationScoped
public class QueuePlanner {

    // the median running time per owner, gear and mode, and per owner and mode (gear_id NULL)
    private static final String HISTORY = """
            SELECT owner_id, gear_id, mode,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ended_at - started_at))
            FROM execution
            WHERE started_at IS NOT NULL AND ended_at IS NOT NULL AND ended_at > :since AND owner_id IN (:owners)
            GROUP BY GROUPING SETS ((owner_id, gear_id, mode), (owner_id, mode))""";

    // every active execution, and of its launch (JSON text) the resources only, read by PostgreSQL
    private static final String ACTIVE = "SELECT id, owner_id, gear_id, mode, state, created_at, dispatched_at,"
            + " started_at, max_runtime_seconds, coalesce((r ->> 'vcpu')::int, 0),"
            + " coalesce((r ->> 'memoryMib')::int, 0), coalesce((r ->> 'diskGib')::int, 0),"
            + " coalesce((r ->> 'gpuCount')::int, 0), r ->> 'gpuModel'"
            + " FROM execution, LATERAL (SELECT launch::jsonb -> 'resources' AS r) resources WHERE state IN ("
            + ExecutionState.ACTIVE.stream().map(st -> "'" + st.name() + "'").sorted()
                    .collect(java.util.stream.Collectors.joining(", ")) + ")";

    /** Up to this many waiting, a plan is first tried without the history (which it needs only if some stay). */
    private static final int FEW_WAITING = 16;

    /** An overrunning execution is expected to end a little later still, never in the past. */
    static final Duration OVERRUN = Duration.ofMinutes(1);

    private final CapacitySource capacity;
    private final ExecutionConfig config;

    public QueuePlanner(CapacitySource capacity, ExecutionConfig config) {
        this.capacity = capacity;
        this.config = config;
    }

    /** Everything the queue is computed from, and its plan. */
    public record Queue(Instant at, Capacities capacities, List<Run> active, FairQueue.Plan plan) {

        /**
         * Each pool there is (configured, in use or waited for): what it can hold (bounded by the quota across pools),
         * what its dispatched executions hold, how many they are, and how many wait.
         */
        public List<PoolState> pools() {
            Map<String, PoolState> pools = new TreeMap<>();
            capacities.pools().keySet().forEach(pool -> pools.put(pool, empty(pool)));
            for (Run r : active) {
                if (r.dispatchedAt() != null) {
                    pools.merge(r.pool(), new PoolState(r.pool(), null, r.demand(), 1, 0), PoolState::plus);
                }
            }
            plan.places().values().forEach(p -> pools.merge(p.pool(),
                    new PoolState(p.pool(), null, Amount.ZERO, 0, 1), PoolState::plus));
            return pools.values().stream().map(s -> new PoolState(s.pool(),
                    capacities.pool(s.pool()).min(capacities.overall()), s.inUse(), s.running(), s.waiting()))
                    .toList();
        }

        private static PoolState empty(String pool) {
            return new PoolState(pool, null, Amount.ZERO, 0, 0);
        }
    }

    /**
     * What the queue needs of an active execution. Not the entity: a plan reads every active execution, and the
     * entity's launch (JSON) is read here for its resources only.
     */
    public record Run(UUID id, String ownerId, String gearId, Execution.Mode mode, ExecutionState state,
            Instant createdAt, Instant dispatchedAt, Instant startedAt, Integer maxRuntimeSeconds,
            Launch.Resources resources) {

        public boolean waiting() {
            return state == ExecutionState.QUEUED && dispatchedAt == null;
        }

        public String pool() {
            return Pools.of(resources);
        }

        public Amount demand() {
            return Amount.of(resources);
        }

        /** A new execution not inserted yet: a start plans with itself before its insert. */
        static Run of(Execution e) {
            return new Run(e.id, e.ownerId, e.gearId, e.mode, e.state, e.createdAt, e.dispatchedAt, e.startedAt,
                    e.maxRuntimeSeconds, e.launch.resources());
        }
    }

    /** One pool's capacity, what its dispatched executions hold and how many they are, and how many wait. */
    public record PoolState(String pool, Amount capacity, Amount inUse, int running, int waiting) {

        PoolState plus(PoolState o) {
            return new PoolState(pool, capacity, inUse.plus(o.inUse), running + o.running, waiting + o.waiting);
        }
    }

    /**
     * The queue now, read in the caller's session (a transaction, for the dispatcher). The owners' running-time
     * history is not read when a few wait and the plan dispatches them all now: what is dispatched now never depends
     * on expected running times (nothing is backfilled), only the later places' estimates do.
     */
    public Uni<Queue> current() {
        return current(null);
    }

    /** The same with {@code fresh}, an execution of this transaction not inserted yet, among the active ones. */
    public Uni<Queue> current(Run fresh) {
        return RuntimeCalls.capacities(capacity).chain(caps -> Panache.getSession()
                .chain(s -> s.createNativeQuery(ACTIVE, Object[].class).getResultList())
                .map(rows -> {
                    List<Run> active = new ArrayList<>(rows.size() + 1);
                    rows.forEach(row -> active.add(run(row)));
                    if (fresh != null) {
                        active.add(fresh);
                    }
                    return active;
                })
                .chain(active -> {
                    Instant now = Instant.now();
                    long waiting = active.stream().filter(Run::waiting).count();
                    if (waiting <= FEW_WAITING) {
                        // a start's usual queue: itself alone, dispatched at once; a long queue is planned once
                        Queue first = plan(now, caps, active, Map.of());
                        if (first.plan().dispatchNow().size() == waiting) {
                            return Uni.createFrom().item(first);
                        }
                    }
                    return medians(active).map(median -> plan(now, caps, active, median));
                }));
    }

    private Queue plan(Instant now, Capacities caps, List<Run> active, Map<String, Duration> median) {
        List<FairQueue.Holding> holding = new ArrayList<>();
        List<FairQueue.Waiting> waiting = new ArrayList<>();
        for (Run r : active) {
            Duration runtime = expected(r, median);
            if (r.dispatchedAt() != null) {
                Instant from = r.startedAt() != null ? r.startedAt() : r.dispatchedAt();
                Instant end = from.plus(runtime);
                Instant soonest = now.plus(OVERRUN);
                holding.add(new FairQueue.Holding(r.id().toString(), r.ownerId(), r.pool(), r.demand(),
                        end.isBefore(soonest) ? soonest : end));
            } else if (r.state() == ExecutionState.QUEUED) {
                waiting.add(new FairQueue.Waiting(r.id().toString(), r.ownerId(), r.pool(), r.demand(),
                        r.createdAt(), runtime));
            }
        }
        return new Queue(now, caps, active, FairQueue.plan(now, caps, holding, waiting, config.queue().maxShare()));
    }

    private static Run run(Object[] row) {
        return new Run((UUID) row[0], (String) row[1], (String) row[2], Execution.Mode.valueOf((String) row[3]),
                ExecutionState.valueOf((String) row[4]), NativeRows.instant(row[5]), NativeRows.instant(row[6]),
                NativeRows.instant(row[7]), row[8] == null ? null : ((Number) row[8]).intValue(),
                new Launch.Resources(((Number) row[9]).intValue(), ((Number) row[10]).intValue(),
                        ((Number) row[11]).intValue(), ((Number) row[12]).intValue(), (String) row[13]));
    }

    /** The median running time per owner, gear and mode, and per owner and mode, of the owners whose runs need one. */
    private Uni<Map<String, Duration>> medians(List<Run> active) {
        Set<String> owners = new TreeSet<>();
        active.stream().filter(r -> r.maxRuntimeSeconds() == null).forEach(r -> owners.add(r.ownerId()));
        Uni<List<Object[]>> rows = owners.isEmpty() ? Uni.createFrom().item(List.of())
                : Panache.getSession().chain(s -> s.createNativeQuery(HISTORY, Object[].class)
                        .setParameter("since", Instant.now().minus(config.queue().history()))
                        .setParameter("owners", List.copyOf(owners)).getResultList());
        return rows.map(found -> {
            Map<String, Duration> median = new HashMap<>();
            for (Object[] row : found) {
                median.put(row[0] + "|" + row[1] + "|" + row[2],
                        Duration.ofMillis(Math.round(((Number) row[3]).doubleValue() * 1000)));
            }
            return median;
        });
    }

    private Duration expected(Run r, Map<String, Duration> median) {
        return r.maxRuntimeSeconds() != null ? Duration.ofSeconds(r.maxRuntimeSeconds())
                : median.getOrDefault(r.ownerId() + "|" + r.gearId() + "|" + r.mode().name(),
                        median.getOrDefault(r.ownerId() + "|null|" + r.mode().name(), fallback(r.mode())));
    }

    private Duration fallback(Execution.Mode mode) {
        return mode == Execution.Mode.SCRIPT ? config.queue().expectedScriptRuntime()
                : config.queue().expectedWorkspaceRuntime();
    }
}
