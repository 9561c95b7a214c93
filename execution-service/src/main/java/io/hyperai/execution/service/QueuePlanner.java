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

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.capacity.Amount;
import io.hyperai.execution.capacity.Capacities;
import io.hyperai.execution.capacity.CapacitySource;
import io.hyperai.execution.capacity.FairQueue;
import io.hyperai.execution.capacity.Pools;
import io.hyperai.execution.config.ExecutionConfig;
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

    /** An overrunning execution is expected to end a little later still, never in the past. */
    static final Duration OVERRUN = Duration.ofMinutes(1);

    private final CapacitySource capacity;
    private final ExecutionConfig config;

    public QueuePlanner(CapacitySource capacity, ExecutionConfig config) {
        this.capacity = capacity;
        this.config = config;
    }

    /** Everything the queue is computed from, and its plan. */
    public record Queue(Instant at, Capacities capacities, List<Execution> active, FairQueue.Plan plan) {

        /**
         * Each pool there is (configured, in use or waited for): what it can hold (bounded by the quota across pools),
         * what its dispatched executions hold, how many they are, and how many wait.
         */
        public List<PoolState> pools() {
            Map<String, PoolState> pools = new TreeMap<>();
            capacities.pools().keySet().forEach(pool -> pools.put(pool, empty(pool)));
            for (Execution e : active) {
                if (e.dispatchedAt != null) {
                    pools.merge(pool(e), new PoolState(pool(e), null, demand(e), 1, 0), PoolState::plus);
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

    /** One pool's capacity, what its dispatched executions hold and how many they are, and how many wait. */
    public record PoolState(String pool, Amount capacity, Amount inUse, int running, int waiting) {

        PoolState plus(PoolState o) {
            return new PoolState(pool, capacity, inUse.plus(o.inUse), running + o.running, waiting + o.waiting);
        }
    }

    /** The queue now, read in the caller's session (a transaction, for the dispatcher). */
    public Uni<Queue> current() {
        // read-only: a plan never changes these rows, and a flush would otherwise compare each one's launch (JSON)
        return RuntimeCalls.blocking(capacity::current).chain(caps -> Panache.getSession().chain(s -> s
                .createSelectionQuery("from Execution where state in :states", Execution.class)
                .setParameter("states", List.copyOf(ExecutionState.ACTIVE)).setReadOnly(true).getResultList())
                .chain(active -> expectedRuntimes(active).map(expected -> {
                    Instant now = Instant.now();
                    List<FairQueue.Holding> holding = new ArrayList<>();
                    List<FairQueue.Waiting> waiting = new ArrayList<>();
                    for (Execution e : active) {
                        Duration runtime = expected.get(e.id.toString());
                        if (e.dispatchedAt != null) {
                            Instant from = e.startedAt != null ? e.startedAt : e.dispatchedAt;
                            Instant end = from.plus(runtime);
                            Instant soonest = now.plus(OVERRUN);
                            holding.add(new FairQueue.Holding(e.id.toString(), e.ownerId, pool(e), demand(e),
                                    end.isBefore(soonest) ? soonest : end));
                        } else if (e.state == ExecutionState.QUEUED) {
                            waiting.add(new FairQueue.Waiting(e.id.toString(), e.ownerId, pool(e), demand(e),
                                    e.createdAt, runtime));
                        }
                    }
                    return new Queue(now, caps, active,
                            FairQueue.plan(now, caps, holding, waiting, config.queue().maxShare()));
                })));
    }

    static String pool(Execution e) {
        return Pools.of(e.launch.resources());
    }

    static Amount demand(Execution e) {
        return Amount.of(e.launch.resources());
    }

    private Uni<Map<String, Duration>> expectedRuntimes(List<Execution> active) {
        Set<String> owners = new TreeSet<>();
        active.stream().filter(e -> e.maxRuntimeSeconds == null).forEach(e -> owners.add(e.ownerId));
        // expectations matter only to place what waits: without a waiting run, the history is not read
        boolean anyWaiting = active.stream().anyMatch(e -> e.dispatchedAt == null && e.state == ExecutionState.QUEUED);
        Uni<List<Object[]>> rows = owners.isEmpty() || !anyWaiting ? Uni.createFrom().item(List.of())
                : Panache.getSession().chain(s -> s.createNativeQuery(HISTORY, Object[].class)
                        .setParameter("since", Instant.now().minus(config.queue().history()))
                        .setParameter("owners", List.copyOf(owners)).getResultList());
        return rows.map(found -> {
            Map<String, Duration> median = new HashMap<>();
            for (Object[] row : found) {
                median.put(row[0] + "|" + row[1] + "|" + row[2],
                        Duration.ofMillis(Math.round(((Number) row[3]).doubleValue() * 1000)));
            }
            Map<String, Duration> expected = new HashMap<>();
            for (Execution e : active) {
                Duration d = e.maxRuntimeSeconds != null ? Duration.ofSeconds(e.maxRuntimeSeconds)
                        : median.getOrDefault(e.ownerId + "|" + e.gearId + "|" + e.mode.name(),
                                median.getOrDefault(e.ownerId + "|null|" + e.mode.name(), fallback(e)));
                expected.put(e.id.toString(), d);
            }
            return expected;
        });
    }

    private Duration fallback(Execution e) {
        return e.mode == Execution.Mode.SCRIPT ? config.queue().expectedScriptRuntime()
                : config.queue().expectedWorkspaceRuntime();
    }
}
