package io.hyperai.execution.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.capacity.FairQueue;
import io.hyperai.execution.mapping.QueuePlace;
import io.hyperai.execution.mapping.QueueView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The queue as users read it: places and estimates from a plan at most a second old, so that many readers (a
 * list of executions, {@code hyperai ps} polling) cost one plan a second, not one each.
 */
@ApplicationScoped
public class QueueService {

    static final Duration FRESH = Duration.ofSeconds(1);

    private final QueuePlanner planner;
    private final AtomicReference<QueuePlanner.Queue> last = new AtomicReference<>();

    public QueueService(QueuePlanner planner) {
        this.planner = planner;
    }

    Uni<QueuePlanner.Queue> queue() {
        QueuePlanner.Queue q = last.get();
        if (q != null && q.at().plus(FRESH).isAfter(Instant.now())) {
            return Uni.createFrom().item(q);
        }
        return Panache.withSession(planner::current).invoke(last::set);
    }

    /** Where a waiting execution stands; empty for one that is not waiting. */
    public Uni<Optional<QueuePlace>> place(Execution e) {
        return places(List.of(e)).map(places -> Optional.ofNullable(places.get(e.id.toString())));
    }

    /** The places of those of {@code executions} that wait. */
    public Uni<Map<String, QueuePlace>> places(List<Execution> executions) {
        if (executions.stream().noneMatch(QueueService::waiting)) {
            return Uni.createFrom().item(Map.of());
        }
        return queue().map(q -> {
            Map<String, QueuePlace> out = new TreeMap<>();
            executions.stream().filter(QueueService::waiting).forEach(e -> {
                FairQueue.Place p = q.plan().places().get(e.id.toString());
                if (p != null) {
                    out.put(e.id.toString(), new QueuePlace(p.pool(), p.position(), p.estimatedStartAt()));
                }
            });
            return out;
        });
    }

    public Uni<QueueView> view(String ownerId) {
        return queue().map(q -> {
            List<QueueView.PoolView> views = q.pools().stream().map(p -> new QueueView.PoolView(p.pool(),
                    QueueView.Resources.of(p.capacity()), QueueView.Resources.of(p.inUse()), p.running(), p.waiting()))
                    .toList();
            List<QueueView.Mine> mine = q.active().stream().filter(r -> r.ownerId().equals(ownerId) && r.waiting())
                    .map(r -> Map.entry(r, q.plan().places().get(r.id().toString())))
                    .filter(en -> en.getValue() != null)
                    .map(en -> new QueueView.Mine(en.getKey().id().toString(), en.getKey().gearId(),
                            en.getValue().pool(), en.getValue().position(), en.getValue().estimatedStartAt()))
                    .sorted(Comparator.comparing(QueueView.Mine::pool).thenComparingInt(QueueView.Mine::position))
                    .toList();
            return new QueueView(views, mine);
        });
    }

    static boolean waiting(Execution e) {
        return e.state == ExecutionState.QUEUED && e.dispatchedAt == null;
    }
}
