package io.hyperai.execution.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

        /** What the dispatched executions of each pool hold. */
        public Map<String, Amount> inUse() {
            Map<String, Amount> use = new HashMap<>();
            active.stream().filter(e -> e.dispatchedAt != null)
                    .forEach(e -> use.merge(pool(e), demand(e), Amount::plus));
            return use;
        }
    }

    /** The queue now, read in the caller's session (a transaction, for the dispatcher). */
    public Uni<Queue> current() {
        return RuntimeCalls.blocking(capacity::current).chain(caps -> Panache.getSession()
                .chain(s -> Execution.<Execution>list("state in ?1", List.copyOf(ExecutionState.ACTIVE)))
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
