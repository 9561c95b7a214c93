package io.hyperai.execution.service;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.common.events.payload.StorageQuotaState;
import io.hyperai.contracts.billing.BillingApi.BillingAdmission;
import io.hyperai.contracts.storage.StorageApi.StorageAdmission;
import io.hyperai.execution.config.ExecutionConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The local projection a start is admitted from (issue 21), kept in the database (table {@code owner_admission}) so
 * every instance reads the same: per owner, whether storage is blocked, the balance exhausted and the monthly
 * spending cap reached, each with the time that information is from. Storage's and billing's events write it in the
 * transaction of their inbox claim, and so do the answers to the admission calls and ExhaustedOwnersPass's refusals;
 * newer information only replaces older (on a tie a refusal wins), so a slow answer cannot undo a newer event.
 * <p>
 * It can only say yes, and only while every fact of a check is younger than {@code
 * hyperai.execution.admission.max-age}: a refusal, a fact never learned or an old one is asked of the service, whose
 * answer is written back. A start let through by a yes that a lost or late event made wrong is stopped by the
 * billing consumer or by ExhaustedOwnersPass within a pass; for storage the window is the max age (docs/decisions.md).
 */
@ApplicationScoped
public class AdmissionFacts {

    private static final Logger LOG = Logger.getLogger(AdmissionFacts.class);

    /** One fact of an owner's standing, named after its column; true refuses a start. */
    public enum Fact {
        STORAGE_BLOCKED("storage_blocked", "storage_at"),
        BALANCE_EXHAUSTED("balance_exhausted", "balance_at"),
        CAP_REACHED("cap_reached", "cap_at");

        // newer replaces older; the same time keeps a refusal from either side
        private final String upsert;

        Fact(String column, String at) {
            this.upsert = ("INSERT INTO owner_admission (owner_id, %1$s, %2$s) VALUES (:owner, :refuses, :at)"
                    + " ON CONFLICT (owner_id) DO UPDATE SET %1$s = CASE"
                    + " WHEN owner_admission.%2$s IS NULL OR EXCLUDED.%2$s > owner_admission.%2$s THEN EXCLUDED.%1$s"
                    + " WHEN EXCLUDED.%2$s = owner_admission.%2$s THEN owner_admission.%1$s OR EXCLUDED.%1$s"
                    + " ELSE owner_admission.%1$s END, %2$s = GREATEST(owner_admission.%2$s, EXCLUDED.%2$s)")
                    .formatted(column, at);
        }
    }

    /** Which checks the projection allows now; false means "ask". */
    public record Standing(boolean storageAllows, boolean billingAllows) {
        static final Standing ASK = new Standing(false, false);
    }

    private static final String FRESH = "%1$s = false AND %2$s > now() - make_interval(secs => :maxAge)";
    private static final String STANDING = "SELECT COALESCE(" + FRESH.formatted("storage_blocked", "storage_at")
            + ", false), COALESCE(" + FRESH.formatted("balance_exhausted", "balance_at") + " AND "
            + FRESH.formatted("cap_reached", "cap_at") + ", false) FROM owner_admission WHERE owner_id = :owner";

    private final Duration maxAge;
    private final Duration allowance;

    public AdmissionFacts(ExecutionConfig config) {
        this.maxAge = config.admission().maxAge();
        this.allowance = config.admission().commitAllowance();
    }

    /** What the projection allows for {@code owner} now; a failed read asks the services, as if nothing were known. */
    public Uni<Standing> standing(String owner) {
        if (maxAge.isZero()) {
            return Uni.createFrom().item(Standing.ASK);
        }
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(STANDING, Object[].class)
                .setParameter("owner", owner).setParameter("maxAge", maxAge.toMillis() / 1000.0)
                .getSingleResultOrNull()))
                .map(row -> row == null ? Standing.ASK : new Standing((Boolean) row[0], (Boolean) row[1]))
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf("reading %s's admission facts failed; storage and billing are asked: %s", owner,
                            e.getMessage());
                    return Standing.ASK;
                });
    }

    /** What a storage or billing event says of its owner, in the caller's transaction (the event's inbox claim). */
    public Uni<Void> learn(EventEnvelope event, EventType type) {
        return switch (type) {
            case STORAGE_QUOTA_EXCEEDED, STORAGE_QUOTA_RESTORED, STORAGE_QUOTA_NEARLY_FULL -> {
                StorageQuotaState s = EventCodec.payload(event, StorageQuotaState.class);
                yield fromEvent(s.ownerId(), Fact.STORAGE_BLOCKED, s.usedBytes() > s.quotaBytes(), event.time());
            }
            case BILLING_BALANCE_EXHAUSTED, BILLING_BALANCE_RESTORED -> fromEvent(
                    EventCodec.payload(event, BillingBalanceState.class).ownerId(), Fact.BALANCE_EXHAUSTED,
                    type == EventType.BILLING_BALANCE_EXHAUSTED, event.time());
            case BILLING_CAP_REACHED -> {
                SpendingCapReached cap = EventCodec.payload(event, SpendingCapReached.class);
                // an execution's own cap says nothing of the next start
                yield "MONTHLY".equals(cap.scope()) ? fromEvent(cap.ownerId(), Fact.CAP_REACHED, true, event.time())
                        : Uni.createFrom().voidItem();
            }
            default -> Uni.createFrom().voidItem();
        };
    }

    /** An event without a time cannot say how new it is: its refusal counts as now, its yes not at all. */
    private Uni<Void> fromEvent(String owner, Fact fact, boolean refuses, Instant time) {
        if (time == null && !refuses) {
            return Uni.createFrom().voidItem();
        }
        return record(owner, fact, refuses, time == null ? Instant.now() : time);
    }

    /**
     * The answers of the admission calls sent at {@code asked} (null: not asked), in a transaction of their own; a
     * failure is logged and changes nothing (the next start asks again).
     */
    public Uni<Void> answered(String owner, StorageAdmission storage, BillingAdmission billing, Instant asked) {
        if (storage == null && billing == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withTransaction(() -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            if (storage != null) {
                chain = chain.chain(() -> answer(owner, Fact.STORAGE_BLOCKED, storage.blocked(), asked));
            }
            if (billing != null) {
                boolean capped = BillingAdmission.SPENDING_CAP_REACHED.equals(billing.refusal());
                boolean exhausted = !billing.allowed() && !capped;
                chain = chain.chain(() -> answer(owner, Fact.BALANCE_EXHAUSTED, exhausted, asked));
                if (!exhausted) {
                    // billing names the balance before the cap, so an exhausted balance says nothing of the cap
                    chain = chain.chain(() -> answer(owner, Fact.CAP_REACHED, capped, asked));
                }
            }
            return chain;
        }).onFailure().recoverWithUni(e -> {
            LOG.warnf("keeping %s's admission answers failed; the next start asks again: %s", owner, e.getMessage());
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * A remote answer, in the caller's transaction: a refusal counts from when it was asked; a yes from the commit
     * allowance before, so that it never counts as newer than a refusal whose event was stamped before the answer
     * was read but committed after.
     */
    public Uni<Void> answer(String owner, Fact fact, boolean refuses, Instant asked) {
        return record(owner, fact, refuses, refuses ? asked : asked.minus(allowance));
    }

    private Uni<Void> record(String owner, Fact fact, boolean refuses, Instant at) {
        return Panache.getSession().chain(s -> s.createNativeQuery(fact.upsert).setParameter("owner", owner)
                .setParameter("refuses", refuses).setParameter("at", at.atOffset(ZoneOffset.UTC)).executeUpdate())
                .replaceWithVoid();
    }
}
