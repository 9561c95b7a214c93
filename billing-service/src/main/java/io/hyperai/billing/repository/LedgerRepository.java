package io.hyperai.billing.repository;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.events.payload.ExecutionEnded;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The SQL that writes metering state and the ledger. Every method runs in the caller's transaction
 * ({@code @WithTransaction} on the service method), so the ledger, the balances and the outbox
 * commit together.
 */
@ApplicationScoped
public class LedgerRepository {

    /** Separates user ids in the one text parameter the exhaustion check takes (no array binding needed). */
    private static final String SEPARATOR = "\u001f";

    /**
     * Opens runs, or completes those whose end arrived first (one row per execution, the first start of a batch). The
     * first start wins: a replayed or second start never changes the price or the start time of a run billing knows.
     */
    static final String OPEN = """
            INSERT INTO metered_run (execution_id, owner_id, gear_id, compute_spec_id, mode, price_per_hour_minor,
                                     currency, interval_seconds, started_at, max_cost_minor)
            SELECT r.execution_id, r.owner_id, r.gear_id, r.compute_spec_id, r.mode, r.price, r.currency,
                   :intervalSeconds, r.started_at, r.max_cost
              FROM jsonb_to_recordset(CAST(CAST(:runs AS text) AS jsonb)) AS r(execution_id text, owner_id text, gear_id text,
                   compute_spec_id text, mode text, price bigint, currency text, started_at timestamptz, max_cost bigint)
             ORDER BY r.execution_id
            ON CONFLICT (execution_id) DO UPDATE
               SET gear_id = COALESCE(EXCLUDED.gear_id, metered_run.gear_id),
                   compute_spec_id = EXCLUDED.compute_spec_id, mode = EXCLUDED.mode,
                   price_per_hour_minor = EXCLUDED.price_per_hour_minor, currency = EXCLUDED.currency,
                   started_at = EXCLUDED.started_at, max_cost_minor = EXCLUDED.max_cost_minor, updated_at = now()
             WHERE metered_run.price_per_hour_minor IS NULL""";

    /**
     * Records ends (one row per execution, the first end of a batch); the first end wins. Until the start is seen the
     * start time of the end event is kept (the start event's own time replaces it), and no price means no charge.
     */
    static final String CLOSE = """
            INSERT INTO metered_run (execution_id, owner_id, gear_id, interval_seconds, started_at, ended_at, end_reason)
            SELECT r.execution_id, r.owner_id, r.gear_id, :intervalSeconds, r.started_at, r.ended_at, r.reason
              FROM jsonb_to_recordset(CAST(CAST(:runs AS text) AS jsonb)) AS r(execution_id text, owner_id text, gear_id text,
                   started_at timestamptz, ended_at timestamptz, reason text)
             ORDER BY r.execution_id
            ON CONFLICT (execution_id) DO UPDATE
               SET ended_at = EXCLUDED.ended_at, end_reason = EXCLUDED.end_reason,
                   started_at = COALESCE(metered_run.started_at, EXCLUDED.started_at), updated_at = now()
             WHERE metered_run.ended_at IS NULL""";

    /**
     * The accrual: one statement over every chargeable run. For each it generates the interval numbers
     * after {@code charged_through} up to the last complete one (running) or the last partial one
     * (ended), prices them by the cumulative floor rule, inserts them (a number already charged is
     * skipped), moves {@code charged_through}, and debits the balances by what was actually inserted.
     * Interval 0 refunds a run whose late end event shows it was charged past its end.
     * Its cost is linear in the number of runs (plus the intervals actually due).
     * Placeholders: %1$s the time accrual runs to, %2$s an optional filter, %3$s the lock mode.
     */
    static final String ACCRUE = """
            WITH due AS (
                SELECT r.execution_id, r.owner_id, r.gear_id, r.compute_spec_id, r.mode,
                       COALESCE(r.currency, :currency) AS currency, r.price_per_hour_minor AS price,
                       r.started_at, r.ended_at, CAST(r.interval_seconds AS bigint) AS len,
                       CAST(r.charged_through AS bigint) AS done,
                       CAST(GREATEST(0, floor(extract(epoch FROM (COALESCE(r.ended_at, %1$s) - r.started_at))))
                            AS bigint) AS secs
                  FROM metered_run r
                 WHERE r.settled_at IS NULL AND r.price_per_hour_minor IS NOT NULL AND r.started_at IS NOT NULL %2$s
                   FOR UPDATE OF r %3$s
            ), plan AS (
                SELECT d.*, CASE WHEN d.ended_at IS NULL THEN d.secs / d.len
                                 ELSE (d.secs + d.len - 1) / d.len END AS target
                  FROM due d
            ), entries AS (
                SELECT p.execution_id, CAST(k AS int) AS interval_no, p.owner_id, p.gear_id, p.compute_spec_id, p.mode,
                       p.currency, p.price,
                       p.started_at + make_interval(secs => (k - 1) * p.len) AS period_start,
                       p.started_at + make_interval(secs => LEAST(k * p.len, p.secs)) AS period_end,
                       LEAST(k * p.len, p.secs) - (k - 1) * p.len AS seconds,
                       (p.price * LEAST(k * p.len, p.secs)) / 3600 - (p.price * (k - 1) * p.len) / 3600 AS amount
                  FROM plan p CROSS JOIN LATERAL generate_series(p.done + 1, p.target) AS k
                UNION ALL
                SELECT p.execution_id, 0, p.owner_id, p.gear_id, p.compute_spec_id, p.mode, p.currency, p.price,
                       p.ended_at, p.started_at + make_interval(secs => p.done * p.len),
                       p.secs - p.done * p.len,
                       (p.price * p.secs) / 3600 - (p.price * p.done * p.len) / 3600
                  FROM plan p
                 WHERE p.ended_at IS NOT NULL AND p.done * p.len > p.secs
            ), ins AS (
                INSERT INTO charge (execution_id, interval_no, owner_id, gear_id, compute_spec_id, mode, currency,
                                    price_per_hour_minor, period_start, period_end, seconds, amount_minor)
                SELECT execution_id, interval_no, owner_id, gear_id, compute_spec_id, mode, currency, price,
                       period_start, period_end, seconds, amount
                  FROM entries
                ON CONFLICT (execution_id, interval_no) DO NOTHING
                RETURNING execution_id, owner_id, compute_spec_id, mode, currency, seconds, amount_minor
            ), runs AS (
                UPDATE metered_run r
                   SET charged_through = CAST(GREATEST(r.charged_through, p.target) AS int),
                       settled_at = CASE WHEN p.ended_at IS NOT NULL THEN now() END, updated_at = now()
                  FROM plan p
                 WHERE r.execution_id = p.execution_id AND (p.target > p.done OR p.ended_at IS NOT NULL)
            ), spent AS (
                SELECT owner_id, min(currency) AS currency, sum(amount_minor) AS total FROM ins GROUP BY owner_id
            ), debited AS (
                INSERT INTO billing_account AS a (user_id, balance_minor, currency)
                SELECT owner_id, -total, currency FROM spent ORDER BY owner_id -- one lock order for every accrual
                ON CONFLICT (user_id) DO UPDATE
                   SET balance_minor = a.balance_minor + EXCLUDED.balance_minor, updated_at = now()
            )
            SELECT owner_id, COALESCE(compute_spec_id, 'unknown'), COALESCE(mode, 'unknown'),
                   CAST(sum(GREATEST(amount_minor, 0)) AS bigint), CAST(sum(LEAST(amount_minor, 0)) AS bigint),
                   CAST(sum(GREATEST(seconds, 0)) AS bigint), count(*), %4$s
              FROM ins GROUP BY 1, 2, 3, 8""";

    /** Marks the accounts a charge took to zero or below; each row returned is one crossing to publish. */
    static final String EXHAUST = """
            UPDATE billing_account SET exhausted = TRUE, updated_at = now()
             WHERE NOT exhausted AND balance_minor <= 0
               AND user_id = ANY (string_to_array(:owners, :separator))
            RETURNING user_id, balance_minor, currency""";

    /** What a running run has cost by now: the cumulative floor rule of the ledger over its whole seconds so far. */
    static final String COST_SO_FAR = "(r.price_per_hour_minor"
            + " * CAST(GREATEST(0, floor(extract(epoch FROM (now() - r.started_at)))) AS bigint)) / 3600";

    /**
     * Per owner with priced running executions: what they have used since their last charged interval
     * ({@code amount}) and their combined price per hour ({@code per_hour}).
     */
    static final String UNCHARGED_BY_OWNER = """
                SELECT r.owner_id,
                       sum(%s - (r.price_per_hour_minor * r.charged_through * r.interval_seconds) / 3600) AS amount,
                       sum(r.price_per_hour_minor) AS per_hour
                  FROM metered_run r
                 WHERE r.ended_at IS NULL AND r.settled_at IS NULL AND r.price_per_hour_minor IS NOT NULL
                   AND r.started_at IS NOT NULL
                 GROUP BY r.owner_id""".formatted(COST_SO_FAR);

    /**
     * Exhaustion on time: marks the accounts whose balance, less what their running executions have used since
     * their last charged interval (the same cumulative floor rule), is zero or below, without waiting for the next
     * accrual to charge it. One statement, so the balance and {@code charged_through} come from one snapshot; an
     * account that a top-up or charge changes meanwhile is judged again on its new row (PostgreSQL re-checks the
     * condition after the lock): a top-up's new balance counts, and a charge moves both sides by the same amount.
     */
    static final String EXHAUST_PROJECTED = """
            WITH uncharged AS (%s)
            UPDATE billing_account a SET exhausted = TRUE, updated_at = now()
              FROM uncharged u
             WHERE a.user_id = u.owner_id AND NOT a.exhausted AND a.balance_minor - u.amount <= 0
            RETURNING a.user_id, CAST(a.balance_minor - u.amount AS bigint), a.currency""".formatted(UNCHARGED_BY_OWNER);

    /**
     * What one accrual statement charged, per owner, compute spec and mode (refunds apart); a settlement's also per
     * execution (the periodic accrual's {@code executionId} is null: one row per spec, however many run).
     */
    public record Charged(String ownerId, String computeSpecId, String mode, long chargedMinor, long refundedMinor,
            long seconds, long entries, String executionId) {
    }

    public record Exhausted(String userId, long balanceMinor, String currency) {
    }

    /** Opens the runs of these starts (at most one per execution); says how many rows changed. */
    public Uni<Integer> open(Collection<ExecutionStarted> starts, int intervalSeconds) {
        JsonArray rows = new JsonArray();
        starts.forEach(st -> rows.add(new JsonObject().put("execution_id", st.executionId())
                .put("owner_id", st.ownerId()).put("gear_id", st.gearId()).put("compute_spec_id", st.computeSpecId())
                .put("mode", st.mode()).put("price", st.pricePerHourMinor()).put("currency", st.currency())
                .put("started_at", text(st.startedAt())).put("max_cost", st.maxCostMinor())));
        return upsert(OPEN, rows, intervalSeconds);
    }

    /** Records these ends (at most one per execution); says how many runs they closed. */
    public Uni<Integer> close(Collection<ExecutionEnded> ends, int intervalSeconds) {
        JsonArray rows = new JsonArray();
        ends.forEach(e -> rows.add(new JsonObject().put("execution_id", e.executionId()).put("owner_id", e.ownerId())
                .put("gear_id", e.gearId()).put("started_at", text(e.startedAt()))
                .put("ended_at", text(e.endedAt())).put("reason", e.reason())));
        return upsert(CLOSE, rows, intervalSeconds);
    }

    private static Uni<Integer> upsert(String sql, JsonArray rows, int intervalSeconds) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return Panache.getSession().chain(s -> s.createNativeQuery(sql).setParameter("runs", rows.encode())
                .setParameter("intervalSeconds", intervalSeconds).executeUpdate());
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /**
     * Charges what is due. With {@code executionIds} null: every run, running ones up to their last
     * complete interval (skipping runs another accrual holds). With execution ids: those runs only, each
     * only once it has ended (its settlement; running time is the periodic accrual's business, so a start
     * read from a backlog does not charge time its end, queued right behind it, would take back).
     * {@code asOf} null means the database's clock.
     */
    public Uni<List<Charged>> accrue(Collection<String> executionIds, Instant asOf, String currency) {
        String sql = ACCRUE.formatted(asOf == null ? "now()" : "CAST(:asOf AS timestamptz)",
                executionIds == null ? "" : "AND r.execution_id = ANY (string_to_array(:executionIds, :separator))"
                        + " AND r.ended_at IS NOT NULL",
                executionIds == null ? "SKIP LOCKED" : "",
                executionIds == null ? "CAST(NULL AS text)" : "execution_id");
        return Panache.getSession().chain(s -> {
            var query = s.createNativeQuery(sql).setParameter("currency", currency);
            if (asOf != null) {
                query.setParameter("asOf", utc(asOf));
            }
            if (executionIds != null) {
                query.setParameter("executionIds", String.join(SEPARATOR, executionIds));
                query.setParameter("separator", SEPARATOR);
            }
            return query.getResultList();
        }).map(rows -> {
            List<Charged> charged = new ArrayList<>(rows.size());
            for (Object row : rows) {
                Object[] r = (Object[]) row;
                charged.add(new Charged((String) r[0], (String) r[1], (String) r[2], num(r[3]), num(r[4]), num(r[5]),
                        num(r[6]), (String) r[7]));
            }
            return charged;
        });
    }

    public Uni<List<Exhausted>> exhaust(Collection<String> owners) {
        if (owners.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Panache.getSession().chain(s -> s.createNativeQuery(EXHAUST)
                .setParameter("owners", String.join(SEPARATOR, owners))
                .setParameter("separator", SEPARATOR)
                .getResultList())
                .map(LedgerRepository::exhausted);
    }

    /** The accounts the running executions have used up by now, marked exhausted. */
    public Uni<List<Exhausted>> exhaustProjected() {
        return Panache.getSession().chain(s -> s.createNativeQuery(EXHAUST_PROJECTED).getResultList())
                .map(LedgerRepository::exhausted);
    }

    private static List<Exhausted> exhausted(List<?> rows) {
        List<Exhausted> out = new ArrayList<>(rows.size());
        for (Object row : rows) {
            Object[] r = (Object[]) row;
            out.add(new Exhausted((String) r[0], num(r[1]), (String) r[2]));
        }
        return out;
    }

    private static long num(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
