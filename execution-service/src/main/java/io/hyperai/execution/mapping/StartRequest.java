package io.hyperai.execution.mapping;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * {@code POST /api/v1/gears/{gearId}/executions}: a script needs its entry command. {@code maxRuntimeSeconds}, when
 * given, stops the execution (reason DEADLINE, home saved) that long after it starts running; {@code maxCostMinor}
 * once its cost reaches that many minor units (reason SPENDING_CAP, home saved; the final charge, exact to the
 * second, may pass the cap by what runs until billing's next projection, a few seconds). {@code idlePolicy}
 * (workspaces only) warns and stops it after a time without use.
 */
public record StartRequest(
        @NotNull Mode mode,
        @Size(min = 1, max = 4000) String entryCommand,
        @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9-]+") String codeId,
        @Min(1) @Max(MAX_RUNTIME_LIMIT) Integer maxRuntimeSeconds,
        @Valid IdlePolicy idlePolicy,
        @Min(1) @Max(MAX_COST_LIMIT) Long maxCostMinor) {

    /** A year: a longer limit is no limit. */
    public static final int MAX_RUNTIME_LIMIT = 31_536_000;
    /** Ten billion in major units, as billing's own limits. */
    public static final long MAX_COST_LIMIT = 1_000_000_000_000L;

    public enum Mode {
        script, jupyter
    }
}
