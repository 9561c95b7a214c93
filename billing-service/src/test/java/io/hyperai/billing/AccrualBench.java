package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.execute;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.AccrualJob;
import io.hyperai.billing.service.AccrualOutcome;
import io.hyperai.billing.service.AccrualService;
import io.hyperai.test.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Prints how long one accrual takes for N running executions (one interval due each), beside a bare
 * set-based UPDATE of the same rows. Not a test: excluded from the build by its name. Run with
 * {@code ./mvnw -B test -pl billing-service -Dtest=AccrualBench [-Dbench.sizes=1000,10000,100000]}.
 */
@QuarkusTest
class AccrualBench {

    @Inject
    AccrualService accrual;
    @Inject
    AccrualJob job;

    @Test
    void accrualTime() throws Throwable {
        job.pause(); // paused in tests already; also when run against another profile
        try {
            int[] sizes = Arrays.stream(System.getProperty("bench.sizes", "1000,10000").split(","))
                    .mapToInt(Integer::parseInt).toArray();
            for (int n : sizes) {
                run(n);
            }
        } finally {
            job.pause();
        }
    }

    private void run(int n) throws Throwable {
        String tag = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        VertxContextSupport.subscribeAndAwait(() -> accrual.accrueNow()); // warm-up, nothing of this run due yet
        // every run started 130 s ago and was charged through interval 1: interval 2 is due for each
        execute("INSERT INTO metered_run (execution_id, owner_id, gear_id, compute_spec_id, mode, price_per_hour_minor,"
                + " currency, interval_seconds, started_at, charged_through)"
                + " SELECT ? || '-' || g, ? || '-owner-' || (g % 1000), 'bench-gear', 'cpu-2c4g', 'jupyter', 1290,"
                + " 'CNY', 60, now() - interval '130 seconds', 1 FROM generate_series(1, ?) g", tag, tag, n);
        execute("ANALYZE metered_run");
        long start = System.nanoTime();
        AccrualOutcome outcome = VertxContextSupport.subscribeAndAwait(() -> accrual.accrueNow());
        double accrualMs = (System.nanoTime() - start) / 1e6;

        long bare;
        try (Connection c = SharedInfrastructure.postgres().connect("billing"); Statement s = c.createStatement()) {
            long t = System.nanoTime();
            s.executeUpdate("UPDATE metered_run SET charged_through = charged_through + 1, updated_at = now()"
                    + " WHERE execution_id LIKE '" + tag + "-%'");
            bare = System.nanoTime() - t;
        }
        System.out.printf("BENCH accrual: %,d running executions, %,d ledger entries, %.1f ms (%.1f µs per execution);"
                + " bare set-based UPDATE of the same rows: %.1f ms%n", n, outcome.entries(), accrualMs,
                accrualMs * 1000 / n, bare / 1e6);
        // one machine-readable line for bench/run-all.sh: BENCH|name|figure|unit|baseline|ratio|note
        System.out.printf(Locale.ROOT, "BENCH|accrual (%d running executions)|%.1f|ms|%.1f|%.1f|bare set-based UPDATE of"
                + " the same rows; %d ledger entries%n", n, accrualMs, bare / 1e6, accrualMs / (bare / 1e6),
                outcome.entries());
        execute("UPDATE metered_run SET ended_at = started_at, settled_at = now() WHERE execution_id LIKE ?",
                tag + "-%");
    }
}
