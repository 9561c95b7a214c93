package io.hyperai.common.events.payload;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Admitted and waiting for capacity; nothing is charged for this time. {@code pool}, {@code position} (1 is next) and
 * {@code estimatedStartAt} are its place in the queue when it was admitted (absent from events of before the queue).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutionQueued(
        String executionId,
        String gearId,
        String ownerId,
        String mode,
        String computeSpecId,
        Instant queuedAt,
        String pool,
        Integer position,
        Instant estimatedStartAt) implements EventPayload {
}
