package io.hyperai.billing.mapping;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** An admin's credit to a balance; {@code reference} makes a retried request credit once. */
public record TopUpRequest(
        @NotNull @Positive @Max(TopUpRequest.MAX_AMOUNT_MINOR) Long amountMinor,
        @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9._:-]+", message = "letters, digits and . _ : - only") String reference) {

    /** Ten million in major units: anything larger is a typo, not a payment. */
    public static final long MAX_AMOUNT_MINOR = 1_000_000_000L;
}
