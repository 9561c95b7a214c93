package io.hyperai.common.events.payload;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code billing.cap.reached}: spending reached a cap the owner set, {@code scope} {@code MONTHLY} (all their
 * executions this calendar month; new starts are refused until the month ends or the cap is raised) or
 * {@code EXECUTION} (one execution's own cap; {@code executionId} names it). Money in minor units.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SpendingCapReached(String ownerId, String scope, String executionId, long capMinor, long spentMinor,
        String currency) implements EventPayload {
}
