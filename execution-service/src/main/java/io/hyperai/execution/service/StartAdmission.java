package io.hyperai.execution.service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.hyperai.common.client.BillingClient;
import io.hyperai.common.client.DependencyFailures;
import io.hyperai.common.client.GearClient;
import io.hyperai.common.client.StorageClient;
import io.hyperai.common.problem.Problem;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.billing.BillingApi.BillingAdmission;
import io.hyperai.contracts.gear.GearApi;
import io.hyperai.contracts.gear.GearApi.GearRuntime;
import io.hyperai.contracts.storage.StorageApi.StorageAdmission;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;

/**
 * May this owner start this gear: it is theirs and its bindings can be mounted (gear-service, asked every time:
 * docs/decisions.md says why no event can tell), their storage is not blocked and billing lets them run. Storage and
 * billing are answered by {@link AdmissionFacts} when it allows and is fresh, else asked, all at once (one round
 * trip's wait instead of three); each check is counted by where its answer came from
 * ({@code hyperai_execution_admission_checks_total{check, source="projection"|"remote"}}).
 */
@ApplicationScoped
public class StartAdmission {

    private final GearClient gears;
    private final StorageClient storage;
    private final BillingClient billing;
    private final AdmissionFacts facts;
    private final MeterRegistry registry;

    public StartAdmission(@RestClient GearClient gears, @RestClient StorageClient storage,
            @RestClient BillingClient billing, AdmissionFacts facts, MeterRegistry registry) {
        this.gears = gears;
        this.storage = storage;
        this.billing = billing;
        this.facts = facts;
        this.registry = registry;
    }

    /**
     * The gear to run, or the first refusal in a fixed order whatever answers first: an unknown or foreign gear is a
     * 404, then storage, then balance. A fixed order keeps the answer to another user's gear the same as to a missing
     * one.
     */
    public Uni<GearRuntime> admit(String ownerId, String gearId) {
        Instant asked = Instant.now(); // no later than the calls are sent: what they answer is at least this new
        Uni<GearRuntime> gear = DependencyFailures.guard("gear-service", gears.gear(gearId))
                // gear-service refusing the id (unknown, or not even well formed) means there is no such gear
                .onFailure(e -> DependencyFailures.status(e) / 100 == 4)
                .transform(e -> ProblemException.notFound("gear", gearId))
                .invoke(g -> {
                    if (!ownerId.equals(g.ownerId())) {
                        throw ProblemException.notFound("gear", gearId);
                    }
                    brokenBindings(g);
                });
        Uni<AdmissionFacts.Standing> known = facts.standing(ownerId).memoize().indefinitely();
        Uni<StorageAdmission> space = known.chain(k -> k.storageAllows() ? fromProjection("storage")
                : remote("storage", DependencyFailures.guard("storage-service", storage.admission(ownerId))));
        Uni<BillingAdmission> money = known.chain(k -> k.billingAllows() ? fromProjection("billing")
                : remote("billing", DependencyFailures.guard("billing-service", billing.admission(ownerId))));
        return Uni.combine().all().unis(outcome(gear), outcome(space), outcome(money)).asTuple()
                .call(t -> facts.answered(ownerId, t.getItem2().item(), t.getItem3().item(), asked))
                .map(t -> {
                    rethrow(t.getItem1());
                    rethrow(t.getItem2());
                    storageAllows(t.getItem2().item());
                    rethrow(t.getItem3());
                    billingAllows(t.getItem3().item());
                    return t.getItem1().item();
                });
    }

    private <T> Uni<T> fromProjection(String check) {
        registry.counter("hyperai_execution_admission_checks", "check", check, "source", "projection").increment();
        return Uni.createFrom().nullItem();
    }

    private <T> Uni<T> remote(String check, Uni<T> call) {
        registry.counter("hyperai_execution_admission_checks", "check", check, "source", "remote").increment();
        return call;
    }

    /** Null: the projection allowed it. */
    private static void storageAllows(StorageAdmission s) {
        if (s != null && s.blocked()) {
            throw ProblemException.forbidden("storage-blocked",
                    "storage usage is over the quota; delete data before starting executions");
        }
    }

    /** Null: the projection allowed it. */
    private static void billingAllows(BillingAdmission b) {
        if (b == null || b.allowed()) {
            return;
        }
        if (BillingAdmission.SPENDING_CAP_REACHED.equals(b.refusal())) {
            throw ProblemException.conflict(BillingAdmission.SPENDING_CAP_REACHED, "this month's spending reached"
                    + " the monthly cap; raise the cap (PUT /api/v1/billing/me/limits) or wait for next month");
        }
        throw ProblemException.paymentRequired("balance-exhausted",
                "the balance is " + b.balanceMinor() + " " + b.currency() + " minor units; top up to start executions");
    }

    /** A binding whose source was deleted or made private refuses the start, naming it, before anything is charged. */
    private static void brokenBindings(GearRuntime gear) {
        List<Problem.FieldError> broken = new ArrayList<>();
        List<GearApi.Mount> mounts = gear.bindings() == null ? List.of() : gear.bindings();
        for (int i = 0; i < mounts.size(); i++) {
            if (mounts.get(i).brokenReason() != null) {
                broken.add(new Problem.FieldError("bindings[" + i + "]", mounts.get(i).brokenReason()));
            }
        }
        if (!broken.isEmpty()) {
            throw new ProblemException(409, "binding-broken", "Conflict", "the gear binds what can no longer be"
                    + " mounted; change its bindings to start it", broken, null);
        }
    }

    private record Outcome<T>(T item, Throwable failure) {
    }

    private static <T> Uni<Outcome<T>> outcome(Uni<T> check) {
        return check.onItemOrFailure().transform((item, failure) -> new Outcome<>(item, failure));
    }

    private static void rethrow(Outcome<?> checked) {
        if (checked.failure() != null) {
            throw checked.failure() instanceof RuntimeException r ? r : new IllegalStateException(checked.failure());
        }
    }
}
