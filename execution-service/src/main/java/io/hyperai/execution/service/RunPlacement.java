package io.hyperai.execution.service;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.hyperai.common.lease.Leadership;
import io.hyperai.execution.config.ExecutionConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Which instance starts and removes executions. On Kubernetes any instance: the pods are shared state in the API
 * server. On the local runtime only the leader: every execution is a child process of the instance that runs it, so
 * with several instances one runs them all (as one instance did), and the others tell it over PostgreSQL's
 * {@code NOTIFY} when they dispatched or stopped an execution ({@link ForwardedRuns} listens). A notification is a
 * poke, not the record: the state change is committed first, and the leader's periodic pass finds one that no
 * notification reached.
 */
@ApplicationScoped
public class RunPlacement {

    private static final Logger LOG = Logger.getLogger(RunPlacement.class);
    /** The channel the execution ids go over. */
    static final String CHANNEL = "hyperai_execution_runs";

    private final boolean local;
    private final Leadership leadership;
    private final Pool pool;

    public RunPlacement(ExecutionConfig config, Leadership leadership, Pool pool) {
        this.local = "local".equals(config.runtime());
        this.leadership = leadership;
        this.pool = pool;
    }

    /** Whether the runtime's starts and removals happen on this instance. */
    public boolean here() {
        return !local || leadership.leads();
    }

    /** Whether executions run on the leader only (the local runtime). */
    public boolean onLeaderOnly() {
        return local;
    }

    /** Asks the leader to reconcile the execution now: start it if it was dispatched, remove it if it ended. */
    public Uni<Void> forward(String executionId) {
        LOG.debugf("execution %s: forwarded to the leader", executionId);
        return pool.preparedQuery("SELECT pg_notify($1, $2)").execute(Tuple.of(CHANNEL, executionId))
                .replaceWithVoid();
    }
}
