package io.hyperai.billing.service;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.NotLeader;
import io.hyperai.billing.config.BillingConfig;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/** Runs the accrual periodically; the period and the interval length are checked at start. */
@ApplicationScoped
public class AccrualJob {

    private static final Logger LOG = Logger.getLogger(AccrualJob.class);

    private final AccrualService accrual;
    private final BillingMetrics metrics;
    private final BillingConfig config;
    private final AtomicBoolean enabled;
    private final AtomicBoolean running = new AtomicBoolean();

    public AccrualJob(AccrualService accrual, BillingMetrics metrics, BillingConfig config) {
        this.accrual = accrual;
        this.metrics = metrics;
        this.config = config;
        this.enabled = new AtomicBoolean(config.accrualEnabled());
    }

    void check(@Observes StartupEvent event) {
        if (config.interval().toSeconds() < 10 || config.interval().toMillis() % 1000 != 0) {
            throw new IllegalStateException("hyperai.billing.interval must be whole seconds, at least 10 s");
        }
        if (DurationConverter.parseDuration(config.accrualPeriod()).toSeconds() < 10) {
            throw new IllegalStateException("hyperai.billing.accrual-period must be at least 10 s");
        }
    }

    @Scheduled(identity = "billing-accrual", every = "${hyperai.billing.accrual-period:60s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = NotLeader.class)
    Uni<Void> run() {
        if (!enabled.get() || !running.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return accrual.accrueNow()
                .invoke(outcome -> LOG.debugf("accrual charged %d entries, %d minor units, %d balances exhausted",
                        outcome.entries(), outcome.chargedMinor(), outcome.exhausted().size()))
                .chain(metrics::refresh)
                .onFailure().invoke(e -> LOG.warnf("accrual run failed; the next run charges what it left: %s",
                        e.getMessage()))
                .onFailure().recoverWithNull()
                .onTermination().invoke(() -> running.set(false))
                .replaceWithVoid();
    }

    /**
     * Holds the periodic run back (an operator, or tests that accrue at chosen times) and waits for a
     * run in progress to finish; nothing is lost meanwhile, the next run charges what is due.
     */
    public void pause() {
        enabled.set(false);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (running.get() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public void resume() {
        enabled.set(true);
    }
}
