package io.hyperai.billing.mapping;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * {@code PUT /api/v1/billing/me/limits}: the whole set of the caller's limits in minor units; a null (or absent) field
 * is no limit.
 */
public record LimitsRequest(
        @PositiveOrZero @Max(LimitsRequest.MAX_LIMIT_MINOR) Long monthlyCapMinor,
        @PositiveOrZero @Max(LimitsRequest.MAX_LIMIT_MINOR) Long lowBalanceThresholdMinor) {

    /** Ten billion in major units: anything larger is a typo, and the sums stay far from overflowing. */
    public static final long MAX_LIMIT_MINOR = 1_000_000_000_000L;
}
