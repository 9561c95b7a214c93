package io.hyperai.common.events.payload;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * {@code execution.warned}: the execution will be stopped at {@code stopsAt} unless something changes. {@code kind}
 * is {@code IDLE} (a workspace idle for its policy's warning time: activity cancels the stop) or {@code DEADLINE}
 * (its maximum running time comes).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExecutionWarned(String executionId, String ownerId, String kind, Instant stopsAt) implements EventPayload {
}
