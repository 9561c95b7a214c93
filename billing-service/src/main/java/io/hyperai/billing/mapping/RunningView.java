package io.hyperai.billing.mapping;

import java.time.Instant;

/**
 * A running execution: {@code chargedMinor} is what the ledger holds so far (complete intervals),
 * {@code costSoFarMinor} what its running time up to now costs under the same rounding rule.
 */
public record RunningView(String executionId, String gearId, String computeSpecId, String mode,
        long pricePerHourMinor, Instant startedAt, long runningSeconds, long chargedMinor, long costSoFarMinor) {
}
