package io.hyperai.execution.mapping;

import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/executions/{id}/continue}: the same mode and command unless given here. */
public record ContinueRequest(StartRequest.Mode mode, @Size(min = 1, max = 4000) String entryCommand) {
}
