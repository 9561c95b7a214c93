package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.ChargeRule;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Prints lifecycle events per second from Kafka into the ledger (the service's consumer: inbox claims,
 * runs, settlement, balances, one transaction per poll), beside a bare consumer that reads the same
 * records and batch-inserts the same ledger rows, and their ratio. Not a test: excluded by its name. Run with
 * {@code ./mvnw -B test -pl billing-service -Dtest=IngestBench [-Dbench.runs=4000]}, after a warm-up round of a quarter of that.
 */
@QuarkusTest
class IngestBench {

    @Test
    void ingest() throws Exception {
        int runs = Integer.getInteger("bench.runs", 4000);
        round(runs / 4, false); // warms both paths up (JIT, connections, prepared statements)
        round(runs, true);
    }

    private void round(int runs, boolean print) throws Exception {
        String owner = newId("ingest-owner");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
        Random random = new Random(1);
        List<String[]> records = new ArrayList<>();
        List<String> executions = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String ex = newId("ingest");
            long seconds = 1 + random.nextInt(600);
            records.add(new String[] { ex, started(ex, owner, "cpu-2c4g", 1290, t0) });
            records.add(new String[] { ex, stopped(ex, owner, t0, t0.plusSeconds(seconds)) });
            executions.add(ex);
        }
        // the bare consumer reads from here: only this run's records, as the service does
        var from = KafkaProbe.shared().endOffsets(Topics.EXECUTION);
        long start = System.nanoTime();
        sendAll(records);
        double sending = (System.nanoTime() - start) / 1e9;
        while (number("SELECT count(*) FROM metered_run WHERE owner_id = ? AND settled_at IS NOT NULL", owner) < runs) {
            Thread.sleep(50);
        }
        double service = (System.nanoTime() - start) / 1e9;

        // the bare consumer: read the same records, compute the same rows, one batched insert
        long bareStart = System.nanoTime();
        List<ConsumerRecord<String, String>> read = KafkaProbe.shared().readFrom(from,
                Duration.ofMinutes(5), rs -> rs.stream().filter(r -> r.value().contains(owner)).count() >= 2L * runs);
        long rows = 0;
        try (Connection c = SharedInfrastructure.postgres().connect("billing")) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE bare_ledger (execution_id varchar(200), interval_no int, amount bigint,"
                        + " UNIQUE (execution_id, interval_no))");
            }
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO bare_ledger VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (ConsumerRecord<String, String> r : read) {
                    if (!r.value().contains(owner) || !r.value().contains("execution.stopped")) {
                        continue;
                    }
                    EventEnvelope e = EventCodec.read(r.value());
                    ExecutionEnded end = EventCodec.payload(e, ExecutionEnded.class);
                    long seconds = Duration.between(end.startedAt(), end.endedAt()).toSeconds();
                    for (long k = 1; k <= ChargeRule.intervals(60, seconds); k++) {
                        insert.setString(1, end.executionId());
                        insert.setInt(2, (int) k);
                        insert.setLong(3, ChargeRule.intervalCharge(1290, k, 60, seconds));
                        insert.addBatch();
                        rows++;
                    }
                }
                insert.executeBatch();
            }
            c.commit();
        }
        double bare = (System.nanoTime() - bareStart) / 1e9;
        long entries = number("SELECT count(*) FROM charge WHERE owner_id = ?", owner);
        if (!print) {
            return;
        }
        System.out.printf("BENCH ingest: sending took %.2f s%n", sending);
        System.out.printf("BENCH ingest: %,d events (%,d runs, %,d ledger entries) in %.2f s = %,.0f events/s;"
                + " bare consumer with one batched insert of %,d rows: %.2f s = %,.0f events/s; ratio %.2f%n",
                2 * runs, runs, entries, service, 2 * runs / service, rows, bare, 2 * runs / bare, bare / service);
        // one machine-readable line for bench/run-all.sh: BENCH|name|figure|unit|baseline|ratio|note
        System.out.printf(Locale.ROOT, "BENCH|billing ingest (%d events)|%.0f|events/s|%.0f|%.2f|bare consumer: read the"
                + " same records, one batched insert of the same %d ledger rows%n", 2 * runs, 2 * runs / service,
                2 * runs / bare, bare / service, rows);
    }
}
