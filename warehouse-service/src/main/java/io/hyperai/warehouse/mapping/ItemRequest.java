package io.hyperai.warehouse.mapping;

import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * A new dataset or model: a name without control characters, an optional description and tags, and whether it is
 * public (private unless said).
 */
public record ItemRequest(
        @NotBlank @Size(max = 200) @Pattern(regexp = "^[^\\p{Cntrl}]*$", message = "must not contain control characters") String name,
        @Size(max = 2000) @Pattern(regexp = ItemPatch.TEXT, message = "must not contain control characters") String description,
        @Size(max = ItemPatch.MAX_TAGS) List<@Pattern(regexp = ItemPatch.TAG, message = ItemPatch.TAG_RULE) String> tags,
        @Pattern(regexp = ItemPatch.VISIBILITY, message = "must be public or private") String visibility) {
}
