package io.hyperai.execution.service;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.execution.proxy.WorkspaceActivity;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Saves every few seconds, on every instance, when its proxy last served each workspace ({@code execution.proxied_at},
 * never moved back), so the idle policy on the leading instance sees use through all of them. One statement per save.
 */
@ApplicationScoped
public class ActivitySaver {

    private static final Logger LOG = Logger.getLogger(ActivitySaver.class);
    private static final String SAVE = """
            UPDATE execution SET proxied_at = GREATEST(COALESCE(execution.proxied_at, v.at), v.at)
            FROM unnest($1::uuid[], $2::timestamptz[]) AS v(id, at) WHERE execution.id = v.id""";

    private final WorkspaceActivity activity;
    private final Pool pool;

    public ActivitySaver(WorkspaceActivity activity, Pool pool) {
        this.activity = activity;
        this.pool = pool;
    }

    @Scheduled(identity = "workspace-activity-save", every = "${hyperai.execution.activity-save:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> save() {
        Map<String, Instant> taken = activity.takeUnsaved();
        if (taken.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<UUID> ids = new ArrayList<>();
        List<OffsetDateTime> ats = new ArrayList<>();
        taken.forEach((id, at) -> {
            ids.add(UUID.fromString(id));
            ats.add(at.atOffset(ZoneOffset.UTC));
        });
        return pool.preparedQuery(SAVE)
                .execute(Tuple.of(ids.toArray(UUID[]::new), ats.toArray(OffsetDateTime[]::new)))
                .replaceWithVoid()
                .onFailure().invoke(e -> {
                    activity.unsaved(taken);
                    LOG.debugf("saving workspace activity failed; the next save retries: %s", e.getMessage());
                })
                .onFailure().recoverWithNull();
    }
}
