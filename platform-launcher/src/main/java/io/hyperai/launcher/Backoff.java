package io.hyperai.launcher;

import java.time.Duration;

/**
 * The delay before restarting a service that exited: {@code first} after its first exit in a row, twice as long after
 * each further one, never more than {@code max}.
 */
record Backoff(Duration first, Duration max) {

    /** 1 s, 2 s, 4 s ... 30 s: quick after a one-off crash, and a service that cannot start does not spin. */
    static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** @param exitsInARow 1 for the first exit since the service last stayed up */
    Duration delay(int exitsInARow) {
        int doublings = Math.max(0, exitsInARow - 1);
        long firstMs = first.toMillis();
        long maxMs = max.toMillis();
        // compared before shifting, so that a long run of exits cannot overflow
        if (doublings >= Long.SIZE - 2 || firstMs > maxMs >> doublings) {
            return max;
        }
        return Duration.ofMillis(firstMs << doublings);
    }
}
