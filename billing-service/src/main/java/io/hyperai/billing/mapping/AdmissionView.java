package io.hyperai.billing.mapping;

/** May this user start an execution? Only with a balance above zero. */
public record AdmissionView(String userId, long balanceMinor, String currency, boolean allowed) {
}
