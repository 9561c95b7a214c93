package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code billing.balance.low}: the balance (projected with what running executions have used) fell to the owner's
 * low-balance threshold; {@code runwaySeconds} is how long it lasts at the current rate (null: nothing runs).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BillingBalanceLow(String ownerId, long balanceMinor, long thresholdMinor, Long runwaySeconds,
        String currency) implements EventPayload {
}
