package io.hyperai.execution.runtime;

import java.util.Optional;
import java.util.function.Consumer;


/**
 * Where executions run. Kubernetes in a deployment; the same contract lets a single machine run
 * them as local processes. Every operation is idempotent, so reconciliation may repeat it. The operations block
 * (processes, files, the API server): the service layer calls them through {@code VertxContextSupport.executeBlocking}.
 */
public interface ExecutionRuntime {

    /** Creates the execution's container (and a workspace's endpoint) unless it exists. */
    void start(Launch launch);

    /** Removes the execution's container; a missing one is fine. */
    void remove(String executionId);

    /**
     * {@link #remove(String)} of an execution the platform knows has run ({@code ran}): whatever its container
     * looks like now (one made again by a late hand-over, not started yet), its working directory is kept to be saved.
     */
    default void remove(String executionId, boolean ran) {
        remove(executionId);
    }

    /**
     * Whether {@link #observe} and {@link #withContainers} reflect every container there is. Until then an empty
     * answer means "not known yet", not "gone": after a restart the cache fills from the first list.
     */
    default boolean synced() {
        return true;
    }

    /** What the runtime currently knows of the execution; empty when it has no container. */
    Optional<PodObservation> observe(String executionId);

    /** Where a running workspace of this execution is reached, without the path and token. */
    String workspaceBase(String executionId);

    /**
     * The Jupyter server of a running workspace, for the platform's proxy; empty for a script, an ended execution or
     * a runtime whose workspaces are routed another way.
     */
    default Optional<WorkspaceEndpoint> workspaceEndpoint(String executionId) {
        return Optional.empty();
    }

    /**
     * {@link #workspaceEndpoint(String)}, also for a workspace that another instance of the service runs, given the
     * token recorded with the execution.
     */
    default Optional<WorkspaceEndpoint> workspaceEndpoint(String executionId, String token) {
        return workspaceEndpoint(executionId);
    }

    /** Executions that have a container now. */
    java.util.Set<String> withContainers();

    /**
     * Up to {@code max} bytes of the container's output from byte {@code offset}, as written (not necessarily
     * UTF-8); empty at the end, or when there is no container (yet).
     */
    byte[] logs(String executionId, long offset, int max);

    /** The last {@code max} bytes of the container's output (or all of it, if less), with the offset they start at. */
    LogChunk tail(String executionId, int max);

    /** Why this runtime cannot run any execution on this machine (then starts are refused), if it cannot. */
    default Optional<String> unavailable() {
        return Optional.empty();
    }

    /** Calls {@code changed} with an execution id whenever its container changes. */
    void onChange(Consumer<String> changed);
}
