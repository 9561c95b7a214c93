package io.hyperai.billing.service;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.billing.Charge;
import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.mapping.ChargeView;
import io.hyperai.billing.mapping.StatementView;
import io.hyperai.billing.mapping.StatementView.ExecutionLine;
import io.hyperai.billing.mapping.StatementView.Line;
import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheQuery;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** A user's own ledger: entries by time, and monthly statements whose totals are sums of those entries. */
@ApplicationScoped
public class StatementService {

    static final String BY_EXECUTION = """
            select c.executionId, c.gearId, c.computeSpecId, c.mode, sum(c.amountMinor), sum(c.seconds), count(c)
              from Charge c
             where c.ownerId = :owner and c.periodStart >= :from and c.periodStart < :to
             group by c.executionId, c.gearId, c.computeSpecId, c.mode
             order by c.executionId""";

    private final BillingConfig config;

    public StatementService(BillingConfig config) {
        this.config = config;
    }

    /** Entries whose interval starts in [from, to), oldest first; either bound may be open. */
    @WithSession
    public Uni<Page<ChargeView>> charges(String owner, Instant from, Instant to, PageRequest page) {
        String query = "ownerId = :owner" + (from == null ? "" : " and periodStart >= :from")
                + (to == null ? "" : " and periodStart < :to");
        Parameters params = Parameters.with("owner", owner);
        if (from != null) {
            params.and("from", from);
        }
        if (to != null) {
            params.and("to", to);
        }
        PanacheQuery<Charge> found = Charge.find(query, Sort.by("periodStart").and("id"), params);
        return found.page(page.page(), page.size()).list()
                .chain(items -> found.count().map(total -> new Page<>(items.stream().map(ChargeView::of).toList(),
                        page.page(), page.size(), total)));
    }

    @WithSession
    public Uni<StatementView> statement(String owner, YearMonth month) {
        Instant from = month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Instant to = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return Panache.getSession().chain(s -> s.createSelectionQuery(BY_EXECUTION, Object[].class)
                .setParameter("owner", owner).setParameter("from", from).setParameter("to", to).getResultList())
                .map(rows -> {
                    List<ExecutionLine> executions = new ArrayList<>(rows.size());
                    for (Object[] r : rows) {
                        executions.add(new ExecutionLine((String) r[0], (String) r[1], (String) r[2], (String) r[3],
                                ((Number) r[4]).longValue(), ((Number) r[5]).longValue(), ((Number) r[6]).longValue()));
                    }
                    return build(owner, month, executions);
                });
    }

    StatementView build(String owner, YearMonth month, List<ExecutionLine> executions) {
        Map<String, long[]> gears = new LinkedHashMap<>();
        Map<String, long[]> specs = new LinkedHashMap<>();
        long total = 0;
        long seconds = 0;
        for (ExecutionLine e : executions) {
            add(gears, e.gearId() == null ? "unknown" : e.gearId(), e);
            add(specs, e.computeSpecId() == null ? "unknown" : e.computeSpecId(), e);
            total = Math.addExact(total, e.amountMinor());
            seconds = Math.addExact(seconds, e.seconds());
        }
        return new StatementView(owner, month.toString(), config.currency(), total, seconds, lines(gears), lines(specs),
                executions);
    }

    private static void add(Map<String, long[]> totals, String key, ExecutionLine e) {
        long[] t = totals.computeIfAbsent(key, k -> new long[3]);
        t[0] = Math.addExact(t[0], e.amountMinor());
        t[1] = Math.addExact(t[1], e.seconds());
        t[2] += e.entries();
    }

    private static List<Line> lines(Map<String, long[]> totals) {
        return totals.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new Line(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2])).toList();
    }
}
