package io.hyperai.storage.mapping;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

public record QuotaRequest(@NotNull @PositiveOrZero Long quotaBytes) {
}
