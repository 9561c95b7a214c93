package io.hyperai.gear.repository;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.common.paging.Page;
import io.hyperai.common.paging.PageRequest;
import io.hyperai.gear.Gear;
import io.hyperai.gear.GearExecution;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;

/** Gears as their owner sees them, and what execution-events told us about their executions. */
@ApplicationScoped
public class GearRepository {

    static final String ACTIVE = """
            INSERT INTO gear_execution (execution_id, gear_id, owner_id, active) VALUES (:id, :gear, :owner, TRUE)
            ON CONFLICT (execution_id) DO NOTHING""";
    static final String ENDED = """
            INSERT INTO gear_execution (execution_id, gear_id, owner_id, active) VALUES (:id, :gear, :owner, FALSE)
            ON CONFLICT (execution_id) DO UPDATE SET active = FALSE, updated_at = now()""";

    /** The user's gear, or null when it is missing or someone else's. */
    public Uni<Gear> owned(String id, String ownerId) {
        return Gear.<Gear>find("id = ?1 and ownerId = ?2", id, ownerId).firstResult();
    }

    public Uni<Page<Gear>> page(String ownerId, PageRequest request) {
        Uni<List<Gear>> items = Gear.<Gear>find("ownerId", Sort.descending("createdAt").and("id"), ownerId)
                .page(io.quarkus.panache.common.Page.of(request.page(), request.size())).list();
        return items.chain(list -> Gear.count("ownerId", ownerId)
                .map(total -> new Page<>(list, request.page(), request.size(), total)));
    }

    public Uni<Long> activeExecutions(String gearId) {
        return GearExecution.count("gearId = ?1 and active = true", gearId);
    }

    /** Queued or started: active, unless it has already ended (events may be redelivered). */
    public Uni<Void> executionActive(String executionId, String gearId, String ownerId) {
        return upsert(ACTIVE, executionId, gearId, ownerId);
    }

    public Uni<Void> executionEnded(String executionId, String gearId, String ownerId) {
        return upsert(ENDED, executionId, gearId, ownerId);
    }

    private static Uni<Void> upsert(String sql, String executionId, String gearId, String ownerId) {
        return Panache.getSession().chain(s -> s.createNativeQuery(sql)
                .setParameter("id", executionId)
                .setParameter("gear", gearId == null ? "" : gearId)
                .setParameter("owner", ownerId == null ? "" : ownerId)
                .executeUpdate())
                .replaceWithVoid();
    }
}
