package io.hyperai.execution.mapping;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/executions/{id}/continue}: the same mode and command unless given here; a maximum running
 * time or cost only if given here (a limit belongs to one run); the idle policy of the execution continued unless
 * given here (it is how the user works in that workspace).
 */
public record ContinueRequest(StartRequest.Mode mode, @Size(min = 1, max = 4000) String entryCommand,
        @Min(1) @Max(StartRequest.MAX_RUNTIME_LIMIT) Integer maxRuntimeSeconds, @Valid IdlePolicy idlePolicy,
        @Min(1) @Max(StartRequest.MAX_COST_LIMIT) Long maxCostMinor) {
}
