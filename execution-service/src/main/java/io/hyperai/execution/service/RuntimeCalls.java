package io.hyperai.execution.service;

import java.util.Optional;
import java.util.concurrent.Callable;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.execution.capacity.Capacities;
import io.hyperai.execution.capacity.CapacitySource;
import io.hyperai.execution.capacity.PoolHolds;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.HomeSaves;
import io.hyperai.execution.runtime.Launch;
import io.hyperai.execution.runtime.LogChunk;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;

/**
 * The runtime's blocking operations (processes, files, the Kubernetes API) for reactive service code: each runs on a
 * worker, and what follows runs on the caller's Vert.x context again, where its database session lives.
 */
@ApplicationScoped
public class RuntimeCalls {

    private final ExecutionRuntime runtime;
    private final HomeSaves saves;
    private final PoolHolds holds;
    private final RunPlacement placement;

    public RuntimeCalls(ExecutionRuntime runtime, HomeSaves saves, PoolHolds holds, RunPlacement placement) {
        this.runtime = runtime;
        this.saves = saves;
        this.holds = holds;
        this.placement = placement;
    }

    /** Starts the execution here, or has the instance that runs executions start it ({@link RunPlacement}). */
    public Uni<Void> start(Launch launch) {
        if (!placement.here()) {
            return placement.forward(launch.executionId());
        }
        return blocking(() -> {
            runtime.start(launch);
            return null;
        });
    }

    public Uni<Void> remove(String executionId) {
        return remove(executionId, false);
    }

    /** {@link ExecutionRuntime#remove(String, boolean)}, here or by the instance that runs executions. */
    public Uni<Void> remove(String executionId, boolean ran) {
        if (!placement.here()) {
            return placement.forward(executionId);
        }
        return blocking(() -> {
            runtime.remove(executionId, ran);
            holds.freed(); // what the container held in the cluster's quota is free again
            return null;
        });
    }

    public Uni<byte[]> logs(String executionId, long offset, int max) {
        return blocking(() -> runtime.logs(executionId, offset, max));
    }

    public Uni<LogChunk> tail(String executionId, int max) {
        return blocking(() -> runtime.tail(executionId, max));
    }

    public Uni<Boolean> saved(String executionId) {
        return blocking(() -> saves.saved(executionId));
    }

    /** The current capacities: at once when the source knows them without blocking, else read on a worker. */
    public static Uni<Capacities> capacities(CapacitySource source) {
        Optional<Capacities> known = source.known();
        return known.isPresent() ? Uni.createFrom().item(known.get()) : blocking(source::current);
    }

    /** Any other blocking work of the service (measuring a directory, deleting files). */
    public static <T> Uni<T> blocking(Callable<T> work) {
        return VertxContextSupport.executeBlocking(work);
    }
}
