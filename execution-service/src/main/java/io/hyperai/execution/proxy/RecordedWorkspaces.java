package io.hyperai.execution.proxy;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.service.RunPlacement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The token of a workspace this instance does not run, as recorded with its execution: on the local runtime the
 * leader runs every workspace, and any instance's proxy reaches its socket on this machine. One read by primary key
 * per request that the instance's own runs do not answer; nothing on Kubernetes, where the runtime names every
 * workspace.
 */
@ApplicationScoped
public class RecordedWorkspaces {

    private static final String TOKEN = "SELECT jupyter_token FROM execution WHERE id = $1 AND mode = 'JUPYTER'"
            + " AND state IN ('STARTING', 'RUNNING')";

    private final RunPlacement placement;
    private final Pool pool;

    public RecordedWorkspaces(RunPlacement placement, Pool pool) {
        this.placement = placement;
        this.pool = pool;
    }

    /** Whether a workspace may run on another instance (then {@link #token} is worth asking). */
    public boolean elsewhere() {
        return placement.onLeaderOnly();
    }

    /** The token of the active workspace {@code executionId}; empty for anything else. */
    public Uni<Optional<String>> token(String executionId) {
        UUID id;
        try {
            id = UUID.fromString(executionId);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(Optional.empty());
        }
        return pool.preparedQuery(TOKEN).execute(Tuple.of(id)).map(rows -> rows.size() == 1
                ? Optional.ofNullable(rows.iterator().next().getString(0)) : Optional.empty());
    }
}
