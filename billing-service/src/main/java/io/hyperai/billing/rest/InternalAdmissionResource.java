package io.hyperai.billing.rest;

import jakarta.annotation.security.RolesAllowed;

import io.hyperai.billing.service.AccountService;
import io.hyperai.common.security.CurrentUser;
import io.hyperai.contracts.billing.BillingApi;
import io.smallrye.mutiny.Uni;

/** For the execution service: may this user start an execution (money, cap), and whose executions must stop? */
@RolesAllowed(CurrentUser.ROLE_SERVICE)
public class InternalAdmissionResource implements BillingApi {

    private final AccountService accounts;

    public InternalAdmissionResource(AccountService accounts) {
        this.accounts = accounts;
    }

    @Override
    public Uni<BillingAdmission> admission(String userId) {
        return accounts.admission(userId);
    }

    @Override
    public Uni<ExhaustedUsers> exhausted(UsersRequest query) {
        return accounts.mustStopAmong(query.userIds())
                .map(m -> new ExhaustedUsers(m.exhausted(), m.capped(), m.cappedExecutions()));
    }
}
