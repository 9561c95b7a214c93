package io.hyperai.warehouse.mapping;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** A new dataset or model: a name without control characters, and an optional description. */
public record ItemRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = "^[^\\p{Cntrl}]*$", message = "must not contain control characters") String name,
        @Size(max = 2000) @Pattern(regexp = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*$", message = "must not contain control characters") String description) {
}
