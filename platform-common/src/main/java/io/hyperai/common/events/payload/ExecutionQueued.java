package io.hyperai.common.events.payload;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Admitted and waiting for capacity; nothing is charged for this time. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutionQueued(
        String executionId,
        String gearId,
        String ownerId,
        String mode,
        String computeSpecId,
        Instant queuedAt) implements EventPayload {
}
