package io.hyperai.execution.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.client.BillingClient;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.contracts.billing.BillingApi.UsersRequest;
import io.hyperai.execution.Execution;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Level-triggered exhaustion: on every pass, the users with queued or running executions are checked with billing,
 * and those who may no longer run anything have their executions stopped (reason BALANCE_EXHAUSTED), so a lost or
 * late {@code billing.balance.exhausted}, or a start in the window before it, costs at most one pass. Each stop is
 * logged and counted ({@code hyperai_reconcile_corrections_total{kind="exhausted-stop"}}); billing unavailable skips
 * the pass.
 */
@ApplicationScoped
public class ExhaustedOwnersPass {

    private static final Logger LOG = Logger.getLogger(ExhaustedOwnersPass.class);
    private static final int CHUNK = 1000;
    private static final String OWNERS = "SELECT DISTINCT owner_id FROM execution"
            + " WHERE state IN ('QUEUED', 'STARTING', 'RUNNING')";

    private final BillingClient billing;
    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;
    private final MeterRegistry registry;

    public ExhaustedOwnersPass(@RestClient BillingClient billing, ExecutionService executions,
            ExecutionReconciler reconciler, MeterRegistry registry) {
        this.billing = billing;
        this.executions = executions;
        this.reconciler = reconciler;
        this.registry = registry;
    }

    @Scheduled(identity = "execution-exhausted-owners", every = "${hyperai.execution.exhaustion-check:10s}",
            delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> pass() {
        Set<UUID> stopped = ConcurrentHashMap.newKeySet();
        return Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery(OWNERS, String.class).getResultList()))
                .chain(this::exhausted)
                .chain(owners -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String owner : owners) {
                        chain = chain.chain(() -> stopAll(owner, stopped));
                    }
                    return chain;
                })
                // after commit, their containers go now rather than at the next reconciliation pass
                .chain(() -> reconciler.reconcileEach(stopped))
                .onFailure().invoke(e -> LOG.warnf("the exhausted-balance pass failed; the next one tries again: %s",
                        e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<List<String>> exhausted(List<String> owners) {
        List<String> all = new ArrayList<>();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < owners.size(); i += CHUNK) {
            List<String> chunk = owners.subList(i, Math.min(owners.size(), i + CHUNK));
            chain = chain.chain(() -> DependencyFailures.guard("billing-service", billing.exhausted(new UsersRequest(chunk)))
                    .invoke(answer -> all.addAll(answer.userIds())).replaceWithVoid());
        }
        return chain.replaceWith(all);
    }

    private Uni<Void> stopAll(String owner, Set<UUID> stopped) {
        return Panache.withTransaction(() -> Execution.<Execution>list("ownerId = ?1 and state in ?2", owner,
                List.copyOf(ExecutionState.ACTIVE)).chain(active -> {
                    List<UUID> ids = active.stream().map(e -> e.id).toList();
                    for (UUID id : ids) {
                        LOG.infof("execution %s of %s stopped: the balance is used up (repair pass)", id, owner);
                        registry.counter("hyperai_reconcile_corrections_total", "kind", "exhausted-stop").increment();
                    }
                    stopped.addAll(ids);
                    return executions.stopAllInTransaction(ids, Reasons.BALANCE_EXHAUSTED);
                }));
    }
}
