package io.hyperai.billing.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.billing.BillingAccount;
import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.mapping.LimitsRequest;
import io.hyperai.billing.mapping.LimitsView;
import io.hyperai.billing.repository.LimitsRepository;
import io.hyperai.billing.repository.LimitsRepository.Crossing;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.payload.BillingBalanceLow;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.common.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Spending limits: a user sets them; the projection pass (and a change of limits, at once) judges them and publishes
 * each crossing once, in the transaction that records it.
 */
@ApplicationScoped
public class LimitsService {

    private static final Logger LOG = Logger.getLogger(LimitsService.class);

    /**
     * A changed threshold re-arms the low-balance warning, so a balance already below the new threshold is warned
     * about at once.
     */
    static final String SET_LIMITS = """
            INSERT INTO billing_account AS a (user_id, balance_minor, currency, monthly_cap_minor,
                                              low_balance_threshold_minor)
            VALUES (:userId, 0, :currency, CAST(:cap AS bigint), CAST(:threshold AS bigint))
            ON CONFLICT (user_id) DO UPDATE
               SET monthly_cap_minor = EXCLUDED.monthly_cap_minor,
                   low_balance_threshold_minor = EXCLUDED.low_balance_threshold_minor,
                   low_balance = a.low_balance
                       AND a.low_balance_threshold_minor IS NOT DISTINCT FROM EXCLUDED.low_balance_threshold_minor,
                   updated_at = now()""";

    private final LimitsRepository limits;
    private final Outbox outbox;
    private final BillingConfig config;

    public LimitsService(LimitsRepository limits, Outbox outbox, BillingConfig config) {
        this.limits = limits;
        this.outbox = outbox;
        this.config = config;
    }

    /** Replaces a user's limits and judges them now: a cap already reached or a balance already low is said at once. */
    @WithTransaction
    public Uni<LimitsView> set(String userId, LimitsRequest request) {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery(SET_LIMITS).setParameter("userId", userId)
                        .setParameter("currency", config.currency()).setParameter("cap", request.monthlyCapMinor())
                        .setParameter("threshold", request.lowBalanceThresholdMinor()).executeUpdate())
                .chain(() -> project(userId))
                // not loaded before in this session: read as the statements left it
                .chain(() -> BillingAccount.<BillingAccount>findById(userId))
                .map(LimitsView::of);
    }

    /** Judges the limits of every account (owner null) or of one, inside the caller's transaction; publishes each crossing. */
    Uni<List<Crossing>> project(String owner) {
        return limits.project(owner, config.currency()).call(this::publish);
    }

    private Uni<?> publish(List<Crossing> crossings) {
        return Multi.createFrom().iterable(crossings)
                .onItem().transformToUniAndConcatenate(c -> {
                    LOG.infof("%s of %s%s: %d of a limit of %d %s", c.kind(), c.ownerId(),
                            c.executionId() == null ? "" : " (execution " + c.executionId() + ")", c.amountMinor(),
                            c.limitMinor(), c.currency());
                    return switch (c.kind()) {
                        case LOW_BALANCE -> outbox.append(EventType.BILLING_BALANCE_LOW, c.ownerId(),
                                new BillingBalanceLow(c.ownerId(), c.amountMinor(), c.limitMinor(), c.runwaySeconds(),
                                        c.currency()));
                        case MONTHLY_CAP -> outbox.append(EventType.BILLING_CAP_REACHED, c.ownerId(),
                                new SpendingCapReached(c.ownerId(), "MONTHLY", null, c.limitMinor(), c.amountMinor(),
                                        c.currency()));
                        case EXECUTION_CAP -> outbox.append(EventType.BILLING_CAP_REACHED, c.ownerId(),
                                new SpendingCapReached(c.ownerId(), "EXECUTION", c.executionId(), c.limitMinor(),
                                        c.amountMinor(), c.currency()));
                    };
                })
                .collect().last();
    }
}
