package io.hyperai.storage.mapping;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Hold {@code bytes} of {@code userId}'s quota for an upload about to be accepted. */
public record ReservationRequest(@NotBlank @Size(max = 200) String userId, @NotNull @Positive Long bytes) {
}
