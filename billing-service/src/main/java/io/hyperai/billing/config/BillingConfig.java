package io.hyperai.billing.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "hyperai.billing")
public interface BillingConfig {

    /** ISO 4217 code of every balance and price; amounts are in its minor unit. */
    @WithDefault("CNY")
    String currency();

    /**
     * Length of a charge interval, at least 10 s. Fixed per execution when billing first hears of
     * it, so a change applies to executions that start afterwards.
     */
    @WithDefault("60s")
    Duration interval();

    /**
     * Whether this instance starts with the periodic accrual running (several instances may; they skip
     * each other's rows). It can be paused and resumed at run time.
     */
    @WithDefault("true")
    boolean accrualEnabled();

    /** How often the accrual runs, at least 10 s (read by its {@code @Scheduled} expression). */
    @WithDefault("60s")
    String accrualPeriod();

    /**
     * How often the balances are projected to now, so that executions stop within this long of the balance reaching
     * zero rather than at the next accrual (read by its {@code @Scheduled} expression).
     */
    @WithDefault("2s")
    String exhaustionCheck();

    /** Whether this instance projects balances periodically (tests call the check at chosen times). */
    @WithDefault("true")
    boolean exhaustionCheckEnabled();

    /** How often the running-executions and ledger-lag gauges are read from the database. */
    @WithDefault("15s")
    String metricsRefresh();

    /**
     * How often execution-service is asked which of the runs still open here have ended (OpenRunsPass, read by its
     * {@code @Scheduled} expression): a lost end event is charged at most this late, and exactly.
     */
    @WithDefault("60s")
    String openRunsCheck();
}
