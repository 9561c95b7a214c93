package io.hyperai.execution.mapping;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.hyperai.execution.capacity.Amount;

/** Each pool's capacity, what is in use and how many wait; and where the caller's own waiting executions stand. */
public record QueueView(List<PoolView> pools, List<Mine> mine) {

    /** {@code running} counts the executions given to the runtime (starting or running). */
    public record PoolView(String pool, Resources capacity, Resources inUse, int running, int waiting) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Mine(String executionId, String gearId, String pool, int position, java.time.Instant estimatedStartAt) {
    }

    /** Resources; a dimension that does not limit the pool is absent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Resources(Double vcpu, Long memoryMib, Long gpus, Long slots) {

        public static Resources of(Amount a) {
            return new Resources(a.milliCpu() == Amount.UNBOUNDED ? null : a.milliCpu() / 1000.0,
                    bounded(a.memoryMib()), bounded(a.gpus()), bounded(a.slots()));
        }

        private static Long bounded(long v) {
            return v == Amount.UNBOUNDED ? null : v;
        }
    }
}
