package io.hyperai.billing.service;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.repository.LedgerRepository.Exhausted;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Exhaustion on time: every {@code hyperai.billing.exhaustion-check} the balances of users with running
 * executions are projected to now, and those at zero or below are marked exhausted and published, so their
 * executions stop within seconds of the money running out instead of at the next accrual (up to two intervals
 * late). The spending limits are judged in the same pass and transaction, on the same projection (LimitsService:
 * low balance, monthly cap, executions' own caps). Charging stays the accrual's: the final charge of each stopped
 * execution is exact to the second.
 */
@ApplicationScoped
public class ExhaustionWatch {

    private static final Logger LOG = Logger.getLogger(ExhaustionWatch.class);

    private final LedgerService ledger;
    private final LimitsService limits;
    private final BillingConfig config;

    public ExhaustionWatch(LedgerService ledger, LimitsService limits, BillingConfig config) {
        this.ledger = ledger;
        this.limits = limits;
        this.config = config;
    }

    @Scheduled(identity = "billing-exhaustion", every = "${hyperai.billing.exhaustion-check:2s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> periodic() {
        if (!config.exhaustionCheckEnabled()) {
            return Uni.createFrom().voidItem();
        }
        return checkNow().onFailure().invoke(e -> LOG.debugf("exhaustion check skipped: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Marks and publishes the accounts used up by now and the limits crossed; returns the used-up accounts. */
    @WithTransaction
    public Uni<List<Exhausted>> checkNow() {
        return ledger.exhaustProjected().call(() -> limits.project(null)).invoke(exhausted -> exhausted.forEach(e -> LOG.infof(
                "balance of %s used up by its running executions (%d %s projected): exhausted", e.userId(),
                e.balanceMinor(), e.currency())));
    }
}
