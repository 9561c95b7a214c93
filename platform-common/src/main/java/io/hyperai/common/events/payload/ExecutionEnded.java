package io.hyperai.common.events.payload;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code execution.succeeded}, {@code execution.failed} and {@code execution.stopped}. {@code reason}
 * is one of the execution service's failure or stop reasons (for example MEMORY_LIMIT_EXCEEDED,
 * DISK_LIMIT_EXCEEDED, EXIT_CODE, USER_STOPPED, BALANCE_EXHAUSTED); {@code startedAt} is null when
 * it ended before it ever ran.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutionEnded(
        String executionId,
        String gearId,
        String ownerId,
        Instant startedAt,
        Instant endedAt,
        Integer exitCode,
        String reason) implements EventPayload {
}
