package io.hyperai.billing;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.Sql;

/** Execution events as the execution service would send them, and reads of billing's tables. */
final class BillingFixtures {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String SOURCE = "/execution-service";

    record Entry(int intervalNo, long seconds, long amountMinor, Instant periodStart, Instant periodEnd) {
    }

    private BillingFixtures() {
    }

    static String newId(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    static String started(String executionId, String owner, String spec, long price, Instant startedAt) {
        return started(executionId, owner, "gear-" + executionId, spec, price, startedAt);
    }

    static String started(String executionId, String owner, String gear, String spec, long price, Instant startedAt) {
        return started(executionId, owner, gear, spec, price, startedAt, null);
    }

    /** With the execution's own spending cap. */
    static String started(String executionId, String owner, String gear, String spec, long price, Instant startedAt,
            Long maxCostMinor) {
        EventEnvelope e = EventCodec.envelope(UUID.randomUUID().toString(), SOURCE, EventType.EXECUTION_STARTED,
                executionId, startedAt, new ExecutionStarted(executionId, gear, owner, "jupyter", spec, price, "CNY",
                        startedAt, maxCostMinor));
        return EventCodec.write(e);
    }

    static String ended(EventType type, String executionId, String owner, Instant startedAt, Instant endedAt) {
        return ended(SOURCE, type, executionId, owner, startedAt, endedAt);
    }

    /** As {@code source} would send it: only execution-service's are to be believed. */
    static String ended(String source, EventType type, String executionId, String owner, Instant startedAt,
            Instant endedAt) {
        EventEnvelope e = EventCodec.envelope(UUID.randomUUID().toString(), source, type, executionId, endedAt,
                new ExecutionEnded(executionId, "gear-" + executionId, owner, startedAt, endedAt, null,
                        type == EventType.EXECUTION_STOPPED ? "USER_STOPPED" : null));
        return EventCodec.write(e);
    }

    static String stopped(String executionId, String owner, Instant startedAt, Instant endedAt) {
        return ended(EventType.EXECUTION_STOPPED, executionId, owner, startedAt, endedAt);
    }

    static void send(String executionId, String record) {
        KafkaProbe.shared().send(Topics.EXECUTION, executionId, record, Map.of());
    }

    /** One accrual of every running execution up to the database's clock, as the periodic job runs it. */
    static io.hyperai.billing.service.AccrualOutcome accrueNow(io.hyperai.billing.service.AccrualService accrual) {
        return awaitOnContext(accrual::accrueNow);
    }

    /** Runs reactive service code from a test thread on a Vert.x context, as a scheduled job would, and waits. */
    static <T> T awaitOnContext(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends many records through one producer, in order (records of one key stay in order). */
    static void sendAll(List<String[]> keyAndValue) {
        KafkaProbe.shared().sendAll(Topics.EXECUTION, keyAndValue);
    }

    static long number(String sql, Object... params) {
        return Sql.number(() -> SharedInfrastructure.postgres().connect("billing"), sql, params);
    }

    static void execute(String sql, Object... params) {
        try (Connection c = SharedInfrastructure.postgres().connect("billing");
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.execute();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Entry> entries(String executionId) {
        List<Entry> out = new ArrayList<>();
        try (Connection c = SharedInfrastructure.postgres().connect("billing");
                PreparedStatement s = c.prepareStatement("SELECT interval_no, seconds, amount_minor, period_start, "
                        + "period_end FROM charge WHERE execution_id = ? ORDER BY interval_no")) {
            s.setString(1, executionId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4).toInstant(),
                            rs.getTimestamp(5).toInstant()));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static long charged(String executionId) {
        return number("SELECT COALESCE(sum(amount_minor), 0) FROM charge WHERE execution_id = ?", executionId);
    }

    static long balance(String userId) {
        return number("SELECT COALESCE((SELECT balance_minor FROM billing_account WHERE user_id = ?), 0)", userId);
    }

    static boolean settled(String executionId) {
        return number("SELECT count(*) FROM metered_run WHERE execution_id = ? AND settled_at IS NOT NULL",
                executionId) == 1;
    }

    static void awaitSettled(String executionId) {
        await().atMost(WAIT).until(() -> settled(executionId));
    }

    static void awaitStarted(String executionId) {
        await().atMost(WAIT).until(() -> number(
                "SELECT count(*) FROM metered_run WHERE execution_id = ? AND price_per_hour_minor IS NOT NULL",
                executionId) == 1);
    }

    static long processed() {
        return number("SELECT count(*) FROM inbox_event WHERE consumer = 'billing-metering'");
    }

    /**
     * Sends a marker run under the Kafka key {@code key} and waits until it is settled: records of one
     * key share a partition and are consumed in order, so everything sent before under that key is applied.
     */
    static void drain(String key) {
        String marker = newId("marker");
        Instant now = Instant.now();
        send(key, started(marker, "marker-owner", "cpu-1c2g", 0, now));
        send(key, stopped(marker, "marker-owner", now, now));
        awaitSettled(marker);
    }
}
