package io.hyperai.execution.runtime;

import java.time.Instant;

import io.hyperai.execution.ExecutionState;

/**
 * What a pod says about its execution. {@code startedAt} is when the container started running
 * (null if it never did); {@code at} is when the observed state began.
 */
public record PodObservation(ExecutionState state, String reason, Integer exitCode, String detail, Instant startedAt,
        Instant at) {
}
