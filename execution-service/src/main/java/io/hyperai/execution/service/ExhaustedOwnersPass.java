package io.hyperai.execution.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.common.client.BillingClient;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.contracts.billing.BillingApi.UsersRequest;
import io.hyperai.execution.Execution;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.service.AdmissionFacts.Fact;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Level-triggered exhaustion and spending caps: on every pass, the users with queued or running executions are checked
 * with billing, and those who may no longer run anything have their executions stopped (reason BALANCE_EXHAUSTED),
 * those at their monthly cap too (reason SPENDING_CAP), and the executions that reached their own cap (SPENDING_CAP),
 * so a lost or late {@code billing.balance.exhausted} or {@code billing.cap.reached}, or a start in the window before
 * it, costs at most one pass. Each stop is logged and counted ({@code hyperai_reconcile_corrections_total{kind=
 * "exhausted-stop"}} or {@code "capped-stop"}); billing unavailable skips the pass. Billing's answer is kept for
 * admission too ({@link AdmissionFacts}): an owner it names is asked again at their next start, even if the event
 * that should have said so was lost.
 */
@ApplicationScoped
public class ExhaustedOwnersPass {

    private static final Logger LOG = Logger.getLogger(ExhaustedOwnersPass.class);
    private static final int CHUNK = 1000;
    private static final String OWNERS = "SELECT DISTINCT owner_id FROM execution"
            + " WHERE state IN ('QUEUED', 'STARTING', 'RUNNING')";

    /** What billing answered for all the chunks. */
    private record MustStop(List<String> exhausted, List<String> capped, List<String> cappedExecutions) {
    }

    private final BillingClient billing;
    private final ExecutionService executions;
    private final ExecutionReconciler reconciler;
    private final MeterRegistry registry;
    private final AdmissionFacts facts;

    public ExhaustedOwnersPass(@RestClient BillingClient billing, ExecutionService executions,
            ExecutionReconciler reconciler, MeterRegistry registry, AdmissionFacts facts) {
        this.facts = facts;
        this.billing = billing;
        this.executions = executions;
        this.reconciler = reconciler;
        this.registry = registry;
    }

    @Scheduled(identity = "execution-exhausted-owners", every = "${hyperai.execution.exhaustion-check:10s}",
            delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> pass() {
        Set<UUID> stopped = ConcurrentHashMap.newKeySet();
        Instant asked = Instant.now();
        return Panache.withSession(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery(OWNERS, String.class).getResultList()))
                .chain(this::mustStop)
                .chain(m -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (String owner : m.exhausted()) {
                        chain = chain.chain(() -> stop(owner, null, Reasons.BALANCE_EXHAUSTED, "exhausted-stop",
                                "the balance is used up", stopped, Fact.BALANCE_EXHAUSTED, asked));
                    }
                    for (String owner : m.capped()) {
                        chain = chain.chain(() -> stop(owner, null, Reasons.SPENDING_CAP, "capped-stop",
                                "the monthly spending cap is reached", stopped, Fact.CAP_REACHED, asked));
                    }
                    if (!m.cappedExecutions().isEmpty()) {
                        // billing names executions of the owners asked about; each is stopped as its owner's
                        chain = chain.chain(() -> stopCappedExecutions(m.cappedExecutions(), stopped));
                    }
                    return chain;
                })
                // after commit, their containers go now rather than at the next reconciliation pass
                .chain(() -> reconciler.reconcileEach(stopped))
                .onFailure().invoke(e -> LOG.warnf("the exhausted-balance pass failed; the next one tries again: %s",
                        e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<MustStop> mustStop(List<String> owners) {
        MustStop all = new MustStop(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < owners.size(); i += CHUNK) {
            List<String> chunk = owners.subList(i, Math.min(owners.size(), i + CHUNK));
            chain = chain.chain(() -> DependencyFailures.guard("billing-service", billing.exhausted(new UsersRequest(chunk)))
                    .invoke(answer -> {
                        // an older billing answers the first list only
                        all.exhausted().addAll(orEmpty(answer.userIds()));
                        all.capped().addAll(orEmpty(answer.cappedUserIds()));
                        all.cappedExecutions().addAll(orEmpty(answer.cappedExecutionIds()));
                    }).replaceWithVoid());
        }
        return chain.replaceWith(all);
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }

    private Uni<Void> stopCappedExecutions(List<String> ids, Set<UUID> stopped) {
        List<UUID> uuids = ids.stream().map(ExecutionService::uuidOrNull).filter(java.util.Objects::nonNull).toList();
        return Panache.withSession(() -> Execution.<Execution>list("id in ?1", uuids)).chain(found -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Execution e : found) {
                chain = chain.chain(() -> stop(e.ownerId, List.of(e.id.toString()), Reasons.SPENDING_CAP,
                        "capped-stop", "its own spending cap is reached", stopped, null, null));
            }
            return chain;
        });
    }

    /** Stops them and, for a refusal of the owner ({@code fact}, else null), keeps it for admission, in one transaction. */
    private Uni<Void> stop(String owner, List<String> only, String reason, String kind, String why,
            Set<UUID> stopped, Fact fact, Instant asked) {
        return Panache.withTransaction(() -> (fact == null ? Uni.createFrom().voidItem()
                : facts.answer(owner, fact, true, asked))
                .chain(() -> executions.stopActiveInTransaction(owner, only, reason))).invoke(ids -> {
            for (UUID id : ids) {
                LOG.infof("execution %s of %s stopped: %s (repair pass)", id, owner, why);
                registry.counter("hyperai_reconcile_corrections_total", "kind", kind).increment();
            }
            stopped.addAll(ids);
        }).replaceWithVoid();
    }
}
