package io.hyperai.warehouse.mapping;

import java.util.List;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** What may change on an item; an absent field stays as it is. Versions never change. */
public record ItemPatch(
        @Size(max = 2000) @Pattern(regexp = TEXT, message = "must not contain control characters") String description,
        @Size(max = MAX_TAGS) List<@Pattern(regexp = TAG, message = TAG_RULE) String> tags,
        @Pattern(regexp = VISIBILITY, message = "must be public or private") String visibility) {

    static final String TEXT = "^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]*$";
    static final String TAG = "^[a-z0-9][a-z0-9-]{0,31}$";
    static final String TAG_RULE = "tags are 1 to 32 of a-z, 0-9 and -, starting with a letter or digit";
    static final int MAX_TAGS = 10;
    static final String VISIBILITY = "^(public|private)$";
}
