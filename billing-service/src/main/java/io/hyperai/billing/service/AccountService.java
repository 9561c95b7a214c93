package io.hyperai.billing.service;

import jakarta.enterprise.context.ApplicationScoped;

import io.hyperai.billing.BillingAccount;
import io.hyperai.billing.config.BillingConfig;
import io.hyperai.billing.mapping.AccountView;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

@ApplicationScoped
public class AccountService {

    private final BillingConfig config;

    public AccountService(BillingConfig config) {
        this.config = config;
    }

    @WithSession
    public Uni<AccountView> account(String userId) {
        return BillingAccount.<BillingAccount>findById(userId).map(a -> a == null
                ? new AccountView(userId, 0, config.currency())
                : new AccountView(userId, a.balanceMinor, a.currency));
    }
}
