package io.hyperai.execution.capacity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pools the cluster has just refused a pod for, held back from dispatching for a while. The queue counts only the
 * executions it dispatched; the namespace's quota also holds what it does not see (home-save pods, anything else an
 * operator runs there), so after a refusal the queue would try again on every pass. Instead the pool waits, twice as
 * long after each refusal in a row (up to {@code longest}), and at once again when a container of the platform's is
 * removed (its share of the quota is free) or a pod of the pool is accepted.
 */
public final class PoolHolds {

    private record Hold(Instant until, Duration length) {
    }

    private final Map<String, Hold> holds = new ConcurrentHashMap<>();
    private final Duration first;
    private final Duration longest;
    private final Clock clock;

    public PoolHolds(Duration first, Duration longest, Clock clock) {
        this.first = first;
        this.longest = longest;
        this.clock = clock;
    }

    /** The cluster refused a pod of this pool: hold it back, longer than last time if it was held already. */
    public Instant refused(String pool) {
        Hold hold = holds.compute(pool, (p, previous) -> {
            Duration length = previous == null ? first : min(previous.length.multipliedBy(2), longest);
            return new Hold(clock.instant().plus(length), length);
        });
        return hold.until;
    }

    /** A pod of this pool was accepted: the quota has room again. */
    public void accepted(String pool) {
        holds.remove(pool);
    }

    /** A container was removed and freed what it held in the quota: every pool may try again. */
    public void freed() {
        holds.clear();
    }

    public boolean held(String pool) {
        Hold hold = holds.get(pool);
        return hold != null && clock.instant().isBefore(hold.until);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
