package io.hyperai.execution.capacity;

import java.util.Map;

/**
 * What can run at once: each pool's capacity, and a bound across all pools (the executions namespace's quota). A
 * pool that is not named has no capacity. {@code known} is false until the runtime's view is complete (then nothing
 * is refused as never fitting).
 */
public record Capacities(Map<String, Amount> pools, Amount overall, boolean known) {

    public Amount pool(String pool) {
        return pools.getOrDefault(pool, Amount.ZERO);
    }

    /** Whether one execution of {@code demand} could ever run here, alone on an empty pool. */
    public boolean couldEverFit(String pool, Amount demand) {
        return !known || demand.fitsIn(pool(pool).min(overall));
    }
}
