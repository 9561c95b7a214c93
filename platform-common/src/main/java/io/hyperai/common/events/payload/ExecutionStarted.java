package io.hyperai.common.events.payload;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The execution's container is running: billing starts the clock at {@code startedAt} at the price
 * carried here, which is the price fixed when the execution was admitted. {@code maxCostMinor}, when not null, is the
 * execution's own spending cap: billing says {@code billing.cap.reached} (scope EXECUTION) once its cost reaches it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutionStarted(
        String executionId,
        String gearId,
        String ownerId,
        String mode,
        String computeSpecId,
        long pricePerHourMinor,
        String currency,
        Instant startedAt,
        Long maxCostMinor) implements EventPayload {
}
