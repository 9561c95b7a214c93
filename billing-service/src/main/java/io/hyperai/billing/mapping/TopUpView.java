package io.hyperai.billing.mapping;

import java.time.Instant;

import io.hyperai.billing.TopUp;

/** A top-up as recorded the first time its reference was used; a replay returns exactly this. */
public record TopUpView(String reference, String userId, long amountMinor, String currency, long balanceAfterMinor,
        Instant createdAt) {

    public static TopUpView of(TopUp t) {
        return new TopUpView(t.reference, t.userId, t.amountMinor, t.currency, t.balanceAfterMinor, t.createdAt);
    }
}
