package io.hyperai.execution.service;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.execution.Reasons;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Stops each running execution whose {@code maxRuntimeSeconds} has run out, with reason DEADLINE, within
 * {@code hyperai.execution.deadline-check} of its deadline; its home is saved and its charge ends as for any stop.
 */
@ApplicationScoped
public class DeadlineWatch {

    private static final Logger LOG = Logger.getLogger(DeadlineWatch.class);
    static final String DUE = "SELECT id FROM execution WHERE state = 'RUNNING' AND max_runtime_seconds IS NOT NULL "
            + "AND started_at + make_interval(secs => max_runtime_seconds) <= now()";

    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;

    public DeadlineWatch(ExecutionService executions, ExecutionReconciler reconciler) {
        this.executions = executions;
        this.reconciler = reconciler;
    }

    @Scheduled(identity = "execution-deadlines", every = "${hyperai.execution.deadline-check:5s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> stopDue() {
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
