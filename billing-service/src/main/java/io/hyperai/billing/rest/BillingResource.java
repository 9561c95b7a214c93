package io.hyperai.billing.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import io.hyperai.billing.mapping.AccountView;
import io.hyperai.billing.service.AccountService;
import io.hyperai.common.security.CurrentUser;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;

@Path("/api/v1/billing")
@Authenticated
public class BillingResource {

    private final AccountService accounts;
    private final CurrentUser user;

    public BillingResource(AccountService accounts, CurrentUser user) {
        this.accounts = accounts;
        this.user = user;
    }

    @GET
    @Path("me")
    public Uni<AccountView> me() {
        return accounts.account(user.id());
    }
}
