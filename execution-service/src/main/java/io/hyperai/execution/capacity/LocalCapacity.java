package io.hyperai.execution.capacity;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.hyperai.execution.config.ExecutionConfig;

/**
 * This machine's capacity, from configuration: a number of slots (executions at once; each is limited by the kernel
 * to its spec, nothing is reserved) shared by every pool, and GPU pools only for the GPUs the machine is said to have.
 */
public final class LocalCapacity implements CapacitySource {

    private final Capacities capacities;

    public LocalCapacity(ExecutionConfig.Queue config) {
        long slots = config.localSlots().isPresent() ? config.localSlots().getAsInt() : defaultSlots();
        Map<String, Amount> pools = new HashMap<>();
        pools.put(Pools.CPU, new Amount(Amount.UNBOUNDED, Amount.UNBOUNDED, 0, slots));
        config.localGpus().forEach((model, count) -> pools.put(Pools.gpu(model),
                new Amount(Amount.UNBOUNDED, Amount.UNBOUNDED, count, slots)));
        this.capacities = new Capacities(Map.copyOf(pools),
                new Amount(Amount.UNBOUNDED, Amount.UNBOUNDED, Amount.UNBOUNDED, slots), true);
    }

    /** Four per core, at most one per GiB of memory, at least one. */
    static long defaultSlots() {
        long cores = Runtime.getRuntime().availableProcessors();
        long memoryGib = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize() >> 30;
        return Math.max(1, Math.min(cores * 4, memoryGib));
    }

    @Override
    public Capacities current() {
        return capacities;
    }

    @Override
    public Optional<Capacities> known() {
        return Optional.of(capacities);
    }
}
