package io.hyperai.execution.mapping;

import java.time.Instant;

import io.hyperai.execution.Execution;

public record ExecutionView(String id, String gearId, String mode, String state, Instant createdAt) {

    public static ExecutionView of(Execution e) {
        return new ExecutionView(e.id.toString(), e.gearId, e.mode, e.state, e.createdAt);
    }
}
