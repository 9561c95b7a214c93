package io.hyperai.execution.capacity;

import io.hyperai.execution.runtime.Launch;

/**
 * Resources in the units a pool is counted in: CPU in millicores, memory in MiB, GPUs, and slots (one per execution,
 * the local runtime's measure and the Kubernetes quota's {@code pods}). As a capacity, {@link #UNBOUNDED} in a
 * dimension means that dimension does not limit the pool.
 */
public record Amount(long milliCpu, long memoryMib, long gpus, long slots) {

    public static final long UNBOUNDED = Long.MAX_VALUE;
    public static final Amount ZERO = new Amount(0, 0, 0, 0);
    public static final Amount UNLIMITED = new Amount(UNBOUNDED, UNBOUNDED, UNBOUNDED, UNBOUNDED);

    /** What one execution of these resources takes. */
    public static Amount of(Launch.Resources r) {
        return new Amount(r.vcpu() * 1000L, r.memoryMib(), r.gpuCount(), 1);
    }

    public Amount plus(Amount o) {
        return new Amount(add(milliCpu, o.milliCpu), add(memoryMib, o.memoryMib), add(gpus, o.gpus),
                add(slots, o.slots));
    }

    public Amount minus(Amount o) {
        return new Amount(sub(milliCpu, o.milliCpu), sub(memoryMib, o.memoryMib), sub(gpus, o.gpus),
                sub(slots, o.slots));
    }

    /** Whether this demand fits in {@code free}. */
    public boolean fitsIn(Amount free) {
        return milliCpu <= free.milliCpu && memoryMib <= free.memoryMib && gpus <= free.gpus && slots <= free.slots;
    }

    public Amount min(Amount o) {
        return new Amount(Math.min(milliCpu, o.milliCpu), Math.min(memoryMib, o.memoryMib), Math.min(gpus, o.gpus),
                Math.min(slots, o.slots));
    }

    /**
     * The largest fraction of {@code capacity} this amount takes in any bounded dimension (the dominant share, as in
     * dominant resource fairness): a user holding 4 of 8 GPUs holds half of a GPU pool whatever its CPUs.
     */
    public double shareOf(Amount capacity) {
        return Math.max(Math.max(share(milliCpu, capacity.milliCpu), share(memoryMib, capacity.memoryMib)),
                Math.max(share(gpus, capacity.gpus), share(slots, capacity.slots)));
    }

    private static double share(long used, long capacity) {
        if (capacity == UNBOUNDED) {
            return 0;
        }
        return capacity <= 0 ? (used > 0 ? Double.POSITIVE_INFINITY : 0) : (double) used / capacity;
    }

    // unbounded stays unbounded whatever is added or taken
    private static long add(long a, long b) {
        return a == UNBOUNDED || b == UNBOUNDED ? UNBOUNDED : a + b;
    }

    private static long sub(long a, long b) {
        return a == UNBOUNDED ? UNBOUNDED : a - b;
    }
}
