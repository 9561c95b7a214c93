package io.hyperai.execution.capacity;

import java.util.Optional;

import io.hyperai.execution.service.RuntimeCalls;
import io.smallrye.mutiny.Uni;

/** Where the capacity of each pool comes from: the cluster's nodes and quota, or this machine's configuration. */
public interface CapacitySource {

    /** The current capacities; may block (an API call), so the service calls it on a worker. */
    Capacities current();

    /** The current capacities when they are known without blocking (read recently enough); empty otherwise. */
    default Optional<Capacities> known() {
        return Optional.empty();
    }

    /** The current capacities for reactive code: at once when {@link #known()}, else read on a worker. */
    default Uni<Capacities> now() {
        Optional<Capacities> known = known();
        return known.isPresent() ? Uni.createFrom().item(known.get()) : RuntimeCalls.blocking(this::current);
    }
}
