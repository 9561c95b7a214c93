package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** {@code billing.balance.exhausted} and {@code billing.balance.restored}; money in minor units. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BillingBalanceState(String ownerId, long balanceMinor, String currency) implements EventPayload {
}
