package io.hyperai.billing.service;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.hyperai.billing.BillingAccount;
import io.hyperai.billing.MeteredRun;
import io.hyperai.billing.TopUp;
import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.mapping.AccountView;
import io.hyperai.billing.mapping.LimitsView;
import io.hyperai.billing.mapping.RunningView;
import io.hyperai.billing.mapping.TopUpView;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.common.outbox.Outbox;
import io.hyperai.common.problem.ProblemException;
import io.hyperai.contracts.billing.BillingApi.BillingAdmission;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Balances: what a user has and runs, admission, and admin top-ups (idempotent by reference). */
@ApplicationScoped
public class AccountService {

    static final String ENSURE_ACCOUNT = "INSERT INTO billing_account (user_id, balance_minor, currency) "
            + "VALUES (:userId, 0, :currency) ON CONFLICT (user_id) DO NOTHING";
    static final String RECORD_TOP_UP = """
            INSERT INTO top_up (reference, user_id, amount_minor, currency, balance_after_minor, created_by, created_at)
            VALUES (:reference, :userId, :amount, :currency, :balanceAfter, :createdBy, CAST(:createdAt AS timestamptz))
            ON CONFLICT (reference) DO NOTHING""";

    public record TopUpResult(TopUpView topUp, boolean created) {
    }

    private final BillingConfig config;
    private final Outbox outbox;

    public AccountService(BillingConfig config, Outbox outbox) {
        this.config = config;
        this.outbox = outbox;
    }

    @WithSession
    public Uni<AccountView> account(String userId) {
        YearMonth month = YearMonth.now(ZoneOffset.UTC);
        Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return BillingAccount.<BillingAccount>findById(userId).chain(account -> running(userId)
                .chain(running -> Panache.getSession().chain(s -> s.createSelectionQuery(
                        "select coalesce(sum(c.amountMinor), 0) from Charge c where c.ownerId = :owner "
                                + "and c.periodStart >= :from and c.periodStart < :to", Long.class)
                        .setParameter("owner", userId).setParameter("from", from).setParameter("to", to)
                        .getSingleResult())
                        .map(spent -> AccountView.of(userId, account == null ? 0 : account.balanceMinor,
                                account == null ? config.currency() : account.currency,
                                account != null && account.exhausted, month.toString(), spent, running,
                                LimitsView.of(account)))));
    }

    private Uni<List<RunningView>> running(String userId) {
        return MeteredRun.<MeteredRun>list("ownerId = ?1 and endedAt is null and pricePerHourMinor is not null",
                Sort.by("startedAt").and("executionId"), userId).chain(runs -> {
                    if (runs.isEmpty()) {
                        return Uni.createFrom().item(List.<RunningView>of());
                    }
                    return Panache.getSession().chain(s -> s.createSelectionQuery(
                            "select c.executionId, sum(c.amountMinor) from Charge c where c.ownerId = :owner "
                                    + "and c.executionId in :ids group by c.executionId", Object[].class)
                            .setParameter("owner", userId)
                            .setParameter("ids", runs.stream().map(r -> r.executionId).toList())
                            .getResultList())
                            .map(rows -> {
                                Map<String, Long> charged = new HashMap<>();
                                rows.forEach(r -> charged.put((String) r[0], ((Number) r[1]).longValue()));
                                Instant now = Instant.now();
                                return runs.stream().map(r -> {
                                    long seconds = Math.max(0, Duration.between(r.startedAt, now).toSeconds());
                                    return new RunningView(r.executionId, r.gearId, r.computeSpecId, r.mode,
                                            r.pricePerHourMinor, r.startedAt, seconds,
                                            charged.getOrDefault(r.executionId, 0L),
                                            ChargeRule.costOf(r.pricePerHourMinor, seconds));
                                }).toList();
                            });
                });
    }

    /** Money first: a user without it is told to top up, whatever their cap. */
    @WithSession
    public Uni<BillingAdmission> admission(String userId) {
        return BillingAccount.<BillingAccount>findById(userId).map(a -> {
            if (!hasMoney(a)) {
                return new BillingAdmission(userId, a == null ? 0 : a.balanceMinor,
                        a == null ? config.currency() : a.currency, false, BillingAdmission.BALANCE_EXHAUSTED);
            }
            boolean capped = LimitsView.capped(a);
            return new BillingAdmission(userId, a.balanceMinor, a.currency, !capped,
                    capped ? BillingAdmission.SPENDING_CAP_REACHED : null);
        });
    }

    /**
     * Of {@code userIds}: those that may not run anything (no balance above zero, or used up: the exhausted flag),
     * those with money whose monthly cap is reached, and the running executions of them all whose own cap is reached.
     */
    @WithSession
    public Uni<MustStop> mustStopAmong(List<String> userIds) {
        return BillingAccount.<BillingAccount>list("userId in ?1", userIds).chain(accounts -> {
            Set<String> allowed = new HashSet<>();
            List<String> capped = new ArrayList<>();
            accounts.stream().filter(AccountService::hasMoney).forEach(a -> {
                allowed.add(a.userId);
                if (LimitsView.capped(a)) {
                    capped.add(a.userId);
                }
            });
            List<String> exhausted = userIds.stream().distinct().filter(id -> !allowed.contains(id)).toList();
            return MeteredRun.<MeteredRun>list("ownerId in ?1 and capReachedAt is not null and endedAt is null",
                    Sort.by("executionId"), userIds)
                    .map(runs -> new MustStop(exhausted, capped, runs.stream().map(r -> r.executionId).toList()));
        });
    }

    public record MustStop(List<String> exhausted, List<String> capped, List<String> cappedExecutions) {
    }

    private static boolean hasMoney(BillingAccount account) {
        return account != null && account.balanceMinor > 0 && !account.exhausted;
    }

    /**
     * Credits a balance once per reference. The account row is locked first, so top-ups and charges
     * of one user serialise; a reference already used returns its first result when the user and the
     * amount match, and is a conflict otherwise. A top-up that lifts an exhausted balance above zero
     * publishes {@code billing.balance.restored}.
     */
    @WithTransaction
    public Uni<TopUpResult> topUp(String userId, long amountMinor, String reference, String adminId) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(ENSURE_ACCOUNT).setParameter("userId", userId)
                        .setParameter("currency", config.currency()).executeUpdate())
                .chain(() -> BillingAccount.<BillingAccount>findById(userId, LockModeType.PESSIMISTIC_WRITE))
                .chain(account -> {
                    long after = Math.addExact(account.balanceMinor, amountMinor);
                    return Panache.getSession().chain(s -> s.createNativeQuery(RECORD_TOP_UP)
                            .setParameter("reference", reference).setParameter("userId", userId)
                            .setParameter("amount", amountMinor).setParameter("currency", account.currency)
                            .setParameter("balanceAfter", after).setParameter("createdBy", adminId)
                            .setParameter("createdAt", now.atOffset(ZoneOffset.UTC)).executeUpdate())
                            .chain(inserted -> inserted == 1 ? credit(account, amountMinor, reference)
                                    : replay(userId, amountMinor, reference));
                });
    }

    private Uni<TopUpResult> credit(BillingAccount account, long amountMinor, String reference) {
        boolean restores = account.exhausted && account.balanceMinor + amountMinor > 0;
        account.balanceMinor += amountMinor;
        account.updatedAt = Instant.now();
        if (restores) {
            account.exhausted = false;
        }
        Uni<?> event = restores
                ? outbox.append(EventType.BILLING_BALANCE_RESTORED, account.userId,
                        new BillingBalanceState(account.userId, account.balanceMinor, account.currency))
                : Uni.createFrom().voidItem();
        return event.chain(() -> TopUp.<TopUp>findById(reference))
                .map(t -> new TopUpResult(TopUpView.of(t), true));
    }

    private Uni<TopUpResult> replay(String userId, long amountMinor, String reference) {
        return TopUp.<TopUp>findById(reference).map(first -> {
            if (first == null || !first.userId.equals(userId) || first.amountMinor != amountMinor) {
                throw ProblemException.conflict("top-up-reference-reused",
                        "reference " + reference + " was already used for a different top-up");
            }
            return new TopUpResult(TopUpView.of(first), false);
        });
    }
}
