package io.hyperai.execution.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.ExecutionWarned;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.config.ExecutionConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Stops each running execution whose {@code maxRuntimeSeconds} has run out, with reason DEADLINE, within
 * {@code hyperai.execution.deadline-check} of its deadline; its home is saved and its charge ends as for any stop.
 * {@code hyperai.execution.deadline-warning} before, it is announced once ({@code execution.warned}, DEADLINE).
 */
@ApplicationScoped
public class DeadlineWatch {

    private static final Logger LOG = Logger.getLogger(DeadlineWatch.class);
    static final String DUE = "SELECT id FROM execution WHERE state = 'RUNNING' AND max_runtime_seconds IS NOT NULL "
            + "AND started_at + make_interval(secs => max_runtime_seconds) <= now()";

    // marks, once, the executions whose deadline is within the warning time, and says when each stops
    static final String WARN = "UPDATE execution SET deadline_warned_at = now() WHERE state = 'RUNNING'"
            + " AND max_runtime_seconds IS NOT NULL AND deadline_warned_at IS NULL"
            + " AND started_at + make_interval(secs => max_runtime_seconds) <= now() + make_interval(secs => :warning)"
            + " RETURNING CAST(id AS text), owner_id, started_at + make_interval(secs => max_runtime_seconds)";

    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;
    private final Outbox outbox;
    private final ExecutionConfig config;

    public DeadlineWatch(ExecutionService executions, ExecutionReconciler reconciler, Outbox outbox,
            ExecutionConfig config) {
        this.executions = executions;
        this.reconciler = reconciler;
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(identity = "execution-deadlines", every = "${hyperai.execution.deadline-check:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> stopDue() {
        return warnSoonDue().chain(this::stopAllDue);
    }

    /** One {@code execution.warned} (DEADLINE) per execution whose deadline is within the warning time. */
    private Uni<Void> warnSoonDue() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery(WARN, Object[].class)
                        .setParameter("warning", config.deadlineWarning().toSeconds()).getResultList())
                .chain(rows -> Multi.createFrom().iterable(rows).onItem().transformToUniAndConcatenate(r -> outbox
                        .append(EventType.EXECUTION_WARNED, (String) r[0], new ExecutionWarned((String) r[0],
                                (String) r[1], "DEADLINE", NativeRows.instant(r[2]))))
                        .collect().last().replaceWithVoid()))
                .onFailure().invoke(e -> LOG.warnf("warning of deadlines failed; retried: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> stopAllDue() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery(DUE, UUID.class).getResultList())
                .invoke(due -> due.forEach(id -> LOG.infof("execution %s reached its maximum running time: stopped", id)))
                .call(due -> executions.stopAllInTransaction(due, Reasons.DEADLINE)))
                // after commit, their containers go now rather than at the next reconciliation pass
                .chain(stopped -> reconciler.reconcileEach(stopped))
                .onFailure().invoke(e -> LOG.warnf("stopping executions at their deadline failed; retried: %s",
                        e.getMessage()))
                .onFailure().recoverWithNull();
    }
}
