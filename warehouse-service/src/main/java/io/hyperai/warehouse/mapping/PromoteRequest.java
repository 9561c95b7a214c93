package io.hyperai.warehouse.mapping;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The next version made of an ended execution's saved working directory ({@code /hyperai/home}), all of it or one
 * directory in it: the files move into the version, so they count once toward the quota.
 */
public record PromoteRequest(
        @Schema(description = "The execution whose saved working directory becomes the version")
        @NotBlank @Size(max = 100) String fromExecutionOutput,
        @Schema(description = "A directory in it (relative, e.g. `checkpoints/final`); all of it when absent")
        @Size(max = 1000) @Pattern(regexp = "^[^\\p{Cntrl}]*$", message = "must not contain control characters")
        String path) {
}
