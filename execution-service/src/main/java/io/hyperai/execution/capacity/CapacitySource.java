package io.hyperai.execution.capacity;

import java.util.Optional;

/** Where the capacity of each pool comes from: the cluster's nodes and quota, or this machine's configuration. */
public interface CapacitySource {

    /** The current capacities; may block (an API call), so the service calls it on a worker. */
    Capacities current();

    /** The current capacities when they are known without blocking (read recently enough); empty otherwise. */
    default Optional<Capacities> known() {
        return Optional.empty();
    }
}
