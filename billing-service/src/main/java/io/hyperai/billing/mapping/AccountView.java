package io.hyperai.billing.mapping;

public record AccountView(String userId, long balanceMinor, String currency) {
}
