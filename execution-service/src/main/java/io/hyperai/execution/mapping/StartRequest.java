package io.hyperai.execution.mapping;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/gears/{gearId}/executions}: a script needs its entry command. */
public record StartRequest(
        @NotNull Mode mode,
        @Size(min = 1, max = 4000) String entryCommand,
        @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9-]+") String codeId) {

    public enum Mode {
        script, jupyter
    }
}
