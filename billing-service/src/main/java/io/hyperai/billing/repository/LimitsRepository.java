package io.hyperai.billing.repository;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

/**
 * The spending limits, judged on the balances and spend projected to now (the same floor rule as the ledger), in the
 * caller's transaction so that the crossings it records and the events about them commit together.
 */
@ApplicationScoped
public class LimitsRepository {

    /** An account's limit crossed downward or upward: one event each. */
    public enum Kind {
        LOW_BALANCE, MONTHLY_CAP, EXECUTION_CAP
    }

    /**
     * {@code amountMinor} is the projected balance (LOW_BALANCE) or the spend (the caps); {@code limitMinor} the
     * threshold or the cap; {@code runwaySeconds} only for LOW_BALANCE, null when nothing priced runs.
     */
    public record Crossing(Kind kind, String ownerId, String executionId, long limitMinor, long amountMinor,
            Long runwaySeconds, String currency) {
    }

    /** A condition on the account row itself, so that PostgreSQL judges a row a top-up changed meanwhile anew. */
    private static final String LOW = "COALESCE(a.balance_minor - w.uncharged <= a.low_balance_threshold_minor, FALSE)";
    private static final String CAPPED = "CASE WHEN w.month_spent >= a.monthly_cap_minor THEN w.month_first END";

    /**
     * One statement: the running executions whose cost reached their own cap are marked (once); every account with a
     * limit gets its crossings recomputed, level-triggered: {@code low_balance} is whether the projected balance is at
     * or below the threshold, {@code capped_month} this month when this month's spend (charged plus what running
     * executions have used since their last charge) reached the cap, else null, so a raised cap or a new month lifts
     * it. Only rows whose flags did not change since the snapshot are written (another pass's write is judged at the
     * next pass), so the old flags in {@code w} tell the crossings: each row returned is one event. %1$s: the running
     * costs per owner; %2$s and %3$s: an optional filter on the owner.
     */
    static final String PROJECT = """
            WITH uncharged AS (%1$s),
            month AS (
                SELECT CAST(date_trunc('month', now() AT TIME ZONE 'UTC') AS date) AS first,
                       date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start
            ), caps AS (
                UPDATE metered_run r SET cap_reached_at = now(), updated_at = now()
                 WHERE r.max_cost_minor IS NOT NULL AND r.cap_reached_at IS NULL AND r.ended_at IS NULL
                   AND r.settled_at IS NULL AND r.price_per_hour_minor IS NOT NULL AND r.started_at IS NOT NULL
                   AND %4$s >= r.max_cost_minor %2$s
                RETURNING r.owner_id, r.execution_id, r.max_cost_minor, CAST(%4$s AS bigint) AS spent, r.currency
            ), watched AS (
                SELECT a.user_id, a.low_balance, a.capped_month, m.first AS month_first,
                       COALESCE(u.amount, 0) AS uncharged, u.per_hour,
                       COALESCE(u.amount, 0) + COALESCE((SELECT sum(c.amount_minor) FROM charge c
                                 WHERE c.owner_id = a.user_id AND c.period_start >= m.start), 0) AS month_spent
                  FROM billing_account a CROSS JOIN month m LEFT JOIN uncharged u ON u.owner_id = a.user_id
                 WHERE (a.monthly_cap_minor IS NOT NULL OR a.low_balance_threshold_minor IS NOT NULL OR a.low_balance
                        OR a.capped_month IS NOT NULL) %3$s
            ), judged AS (
                UPDATE billing_account a SET low_balance = %5$s, capped_month = %6$s, updated_at = now()
                  FROM watched w
                 WHERE a.user_id = w.user_id AND a.low_balance = w.low_balance
                   AND a.capped_month IS NOT DISTINCT FROM w.capped_month
                   AND (a.low_balance <> %5$s OR a.capped_month IS DISTINCT FROM %6$s)
                RETURNING a.user_id, a.currency, a.low_balance_threshold_minor, a.monthly_cap_minor,
                          CAST(a.balance_minor - w.uncharged AS bigint) AS projected, w.per_hour,
                          CAST(w.month_spent AS bigint) AS month_spent,
                          a.low_balance AND NOT w.low_balance AS fell_low,
                          a.capped_month IS NOT NULL AND a.capped_month IS DISTINCT FROM w.capped_month AS capped
            )
            SELECT 'EXECUTION_CAP', owner_id, execution_id, max_cost_minor, spent, CAST(NULL AS bigint),
                   COALESCE(currency, :currency)
              FROM caps
            UNION ALL
            SELECT 'LOW_BALANCE', user_id, NULL, low_balance_threshold_minor, projected,
                   CASE WHEN per_hour > 0 THEN CAST(floor(GREATEST(0, projected) * 3600 / per_hour) AS bigint) END,
                   currency
              FROM judged WHERE fell_low
            UNION ALL
            SELECT 'MONTHLY_CAP', user_id, NULL, monthly_cap_minor, month_spent, CAST(NULL AS bigint), currency
              FROM judged WHERE capped""";

    /**
     * Judges the limits of every account (owner null) or of one, and records the crossings; returns them, one event
     * each, executions' caps first.
     */
    public Uni<List<Crossing>> project(String owner, String currency) {
        String sql = PROJECT.formatted(LedgerRepository.UNCHARGED_BY_OWNER,
                owner == null ? "" : "AND r.owner_id = :owner", owner == null ? "" : "AND a.user_id = :owner",
                LedgerRepository.COST_SO_FAR, LOW, CAPPED);
        return Panache.getSession().chain(s -> {
            var query = s.createNativeQuery(sql).setParameter("currency", currency);
            if (owner != null) {
                query.setParameter("owner", owner);
            }
            return query.getResultList();
        }).map(rows -> {
            List<Crossing> out = new ArrayList<>(rows.size());
            for (Object row : rows) {
                Object[] r = (Object[]) row;
                out.add(new Crossing(Kind.valueOf((String) r[0]), (String) r[1], (String) r[2], num(r[3]), num(r[4]),
                        r[5] == null ? null : num(r[5]), (String) r[6]));
            }
            return out;
        });
    }

    private static long num(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
