package io.hyperai.billing.service;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.billing.repository.LedgerRepository.Charged;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;

/**
 * Billing's Prometheus metrics. Counters move after the transaction that charged commits; the gauges
 * are read from the database, so they hold whichever instance is scraped. No per-user labels.
 * The names are the ones {@code deploy/grafana/dashboards/billing.json} queries.
 */
@ApplicationScoped
public class BillingMetrics {

    public static final String CHARGED = "hyperai_billing_charged_minor";
    public static final String REFUNDED = "hyperai_billing_refunded_minor";
    public static final String RUNNING_SECONDS = "hyperai_billing_running_seconds";
    public static final String RUNNING = "hyperai_billing_running_executions";
    public static final String EXHAUSTED = "hyperai_billing_balances_exhausted";
    public static final String LAG = "hyperai_billing_ledger_lag_seconds";
    public static final String EVENT_LAG = "hyperai_billing_event_lag_seconds";
    /** The newest execution time (a start or an end) that billing has applied. */
    static final String NEWEST_APPLIED =
            "SELECT max(GREATEST(started_at, COALESCE(ended_at, started_at))) AS newest FROM metered_run";

    static final String RUNNING_BY_SPEC = """
            SELECT COALESCE(compute_spec_id, 'unknown') AS spec, count(*) AS n FROM metered_run
             WHERE ended_at IS NULL AND price_per_hour_minor IS NOT NULL AND settled_at IS NULL GROUP BY 1""";
    /** When the oldest interval that is complete (or the oldest end) but not yet charged became due. */
    static final String OLDEST_DUE = """
            SELECT min(CASE WHEN ended_at IS NULL
                            THEN started_at + make_interval(secs => (charged_through + 1) * interval_seconds)
                            ELSE ended_at END) AS due
              FROM metered_run WHERE settled_at IS NULL AND price_per_hour_minor IS NOT NULL""";

    private final MeterRegistry registry;
    private final Pool pool;
    private final Counter exhausted;
    private final Map<String, AtomicLong> running = new ConcurrentHashMap<>();
    /** Epoch millis when the oldest un-accrued interval became due; 0 when nothing is due. */
    private final AtomicLong oldestDue = new AtomicLong();
    private final AtomicLong newestApplied = new AtomicLong();

    public BillingMetrics(MeterRegistry registry, Pool pool) {
        this.registry = registry;
        this.pool = pool;
        this.exhausted = Counter.builder(EXHAUSTED).description("Balances that crossed zero (one per crossing)")
                .register(registry);
        Gauge.builder(LAG, oldestDue, v -> v.get() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - v.get()) / 1000.0)
                .description("Seconds between now and the oldest complete interval not yet charged")
                .register(registry);
        Gauge.builder(EVENT_LAG, newestApplied,
                v -> v.get() == 0 ? 0 : Math.max(0, System.currentTimeMillis() - v.get()) / 1000.0)
                .description("Seconds between now and the newest execution event time applied to the ledger")
                .register(registry);
    }

    void record(AccrualOutcome outcome) {
        for (Charged c : outcome.charged()) {
            if (c.chargedMinor() > 0) {
                Counter.builder(CHARGED).description("Minor units charged").tags("compute_spec", c.computeSpecId(),
                        "mode", c.mode()).register(registry).increment(c.chargedMinor());
            }
            if (c.refundedMinor() < 0) {
                Counter.builder(REFUNDED).description("Minor units refunded for time charged past a late end")
                        .tags("compute_spec", c.computeSpecId(), "mode", c.mode()).register(registry)
                        .increment(-c.refundedMinor());
            }
            if (c.seconds() > 0) {
                Counter.builder(RUNNING_SECONDS).description("Running seconds charged")
                        .tags("compute_spec", c.computeSpecId(), "mode", c.mode()).register(registry)
                        .increment(c.seconds());
            }
        }
        exhausted.increment(outcome.exhausted().size());
    }

    @Scheduled(identity = "billing-metrics", every = "${hyperai.billing.metrics-refresh:15s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> refresh() {
        return pool.query(RUNNING_BY_SPEC).execute().invoke(rows -> {
            Map<String, Long> now = new HashMap<>();
            for (Row row : rows) {
                now.put(row.getString("spec"), row.getLong("n"));
            }
            running.forEach((spec, value) -> value.set(now.getOrDefault(spec, 0L)));
            now.forEach((spec, n) -> running.computeIfAbsent(spec, s -> {
                AtomicLong value = new AtomicLong();
                Gauge.builder(RUNNING, value, AtomicLong::get).description("Executions being metered")
                        .tag("compute_spec", s).register(registry);
                return value;
            }).set(n));
        }).chain(() -> pool.query(OLDEST_DUE).execute()).invoke(rows -> {
            OffsetDateTime due = rows.iterator().next().getOffsetDateTime("due");
            oldestDue.set(due == null ? 0 : due.toInstant().toEpochMilli());
        }).chain(() -> pool.query(NEWEST_APPLIED).execute()).invoke(rows -> {
            OffsetDateTime newest = rows.iterator().next().getOffsetDateTime("newest");
            newestApplied.set(newest == null ? 0 : newest.toInstant().toEpochMilli());
        }).onFailure().recoverWithNull().replaceWithVoid();
    }
}
